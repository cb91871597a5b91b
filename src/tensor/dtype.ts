import type { AnyArray, DType, FloatDType } from '../backend/dtype.js';

export type { AnyArray, ArrayFor, DType, FloatArray, FloatDType } from '../backend/dtype.js';

export const BYTES_PER_ELEMENT: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype === 'float32' || dtype === 'float64';
}

export function dtypeOfArray(a: AnyArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  return 'bool';
}

/** The dtype of a binary op's result, PyTorch-style: float64 wins over float32 wins over int32 wins over bool. */
export function promoteTypes(a: DType, b: DType): DType {
  const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };
  return rank[a] >= rank[b] ? a : b;
}
