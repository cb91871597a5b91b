import { backendFor, jsBackend } from '../../backend/index.js';
import type { AttentionDropout, StridedView } from '../../backend/types.js';
import { fail } from '../../errors.js';
import { allocArray } from '../../tensor/alloc.js';
import { type DType, type FloatArray, isFloat } from '../../tensor/dtype.js';
import { broadcastStrides, normalizeDim, numel, shapesEqual } from '../../tensor/shape.js';
import { defaultGenerator, type Generator } from '../../tensor/random.js';
import { emptyTensor, Tensor } from '../../tensor/tensor.js';

export type TensorLike = Tensor | number;

/** A 0-d tensor for a scalar operand, typed to combine with `like` (a float scalar with an int tensor is float32). */
export function scalarTensor(x: number, like: Tensor): Tensor {
  const dtype: DType = isFloat(like.dtype) ? like.dtype : Number.isInteger(x) && like.dtype === 'int32' ? 'int32' : 'float32';
  const data = allocArray(dtype, 1);
  data[0] = x;
  return new Tensor(data, [], dtype, []);
}

export function asTensor(x: TensorLike, like: Tensor): Tensor {
  return typeof x === 'number' ? scalarTensor(x, like) : x;
}

/** A strided read of `t` as if it had `shape` (broadcasting). */
export function viewAs(t: Tensor, shape: readonly number[]): StridedView {
  if (shapesEqual(t.shape, shape)) return t;
  return { data: t.data, offset: t.offset, strides: broadcastStrides(t.shape, t.strides, shape) };
}

/** The elements of `t` as a contiguous array starting at 0 (shared when possible; do not write to it). */
export function dataOf(t: Tensor): FloatArray {
  return t.dense() as FloatArray;
}

/** `t` as a contiguous tensor whose data starts at index 0 (no autograd). */
export function contiguousRaw(t: Tensor): Tensor {
  if (t.isContiguous() && t.offset === 0 && t.data.length === t.size) return t;
  return new Tensor(t.dense(), t.shape.slice(), t.dtype);
}

/** Converts to another dtype (no autograd). */
export function castRaw(t: Tensor, dtype: DType): Tensor {
  if (t.dtype === dtype) return t;
  const out = emptyTensor(t.shape, dtype);
  if (dtype === 'bool') {
    // Nonzero (and NaN) is true; a plain byte store would keep 2 as 2 and 0.5 as 0.
    const src = t.dense();
    for (let i = 0; i < src.length; i++) out.data[i] = src[i] !== 0 ? 1 : 0;
    return out;
  }
  jsBackend.copy(t, out.data, t.shape); // conversions between array types run on the reference kernels
  return out;
}

/** A float version of `t` (int and bool become float32). */
export function floatRaw(t: Tensor): Tensor {
  return isFloat(t.dtype) ? t : castRaw(t, 'float32');
}

export function requireFloat(t: Tensor, op: string): void {
  if (!isFloat(t.dtype)) fail('DTypeMismatch', `${op}: expected a float tensor, got ${t.dtype}`);
}

/** Views `t` as [outer, dim, inner] around axis `d`. */
export function splitAround(shape: readonly number[], d: number): [number, number, number] {
  return [numel(shape.slice(0, d)), shape[d], numel(shape.slice(d + 1))];
}

/** Sums over the middle axis of [outer, dim, inner] (no autograd). */
export function sumAxisRaw(t: Tensor, d: number, keepdim: boolean): Tensor {
  const dim = normalizeDim(d, t.ndim, 'sum');
  const src = contiguousRaw(floatRaw(t));
  const [outer, n, inner] = splitAround(src.shape, dim);
  const shape = src.shape.slice();
  if (keepdim) shape[dim] = 1;
  else shape.splice(dim, 1);
  const out = emptyTensor(shape, src.dtype);
  if (outer === 1 && n >= 16 && inner >= 16) {
    // Column sums of an [n, inner] matrix (a bias gradient): ones(1, n)·X runs at GEMM speed, several
    // times faster than the strided reduction.
    backendFor(src.dtype).gemm({
      a: onesOf(src.dtype, n), aOffset: 0, lda: n, transA: false, strideA: 0,
      b: src.data as FloatArray, bOffset: 0, ldb: inner, transB: false, strideB: 0,
      c: out.data as FloatArray, cOffset: 0, ldc: inner, strideC: inner,
      m: 1, n: inner, k: n, batch: 1, alpha: 1, beta: 0,
    });
    return out;
  }
  backendFor(src.dtype).reduce('sum', src.data as FloatArray, out.data as FloatArray, outer, n, inner, null);
  return out;
}

let ones32 = new Float32Array(0);
let ones64 = new Float64Array(0);

/** At least `n` ones (shared; never written). */
function onesOf(dtype: DType, n: number): FloatArray {
  if (dtype === 'float64') {
    if (ones64.length < n) ones64 = new Float64Array(Math.max(n, 2 * ones64.length)).fill(1);
    return ones64;
  }
  if (ones32.length < n) ones32 = new Float32Array(Math.max(n, 2 * ones32.length)).fill(1);
  return ones32;
}

/** Sums a broadcast gradient back to `shape` (no autograd). */
export function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  let t = g;
  const lead = g.ndim - shape.length;
  for (let i = 0; i < lead; i++) t = sumAxisRaw(t, 0, false);
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1 && t.shape[i] !== 1) t = sumAxisRaw(t, i, true);
  }
  return t;
}

/**
 * Dropout with probability p seeded by two 32-bit draws from `generator` (default: the global one): what
 * the backend's `dropout` and attention kernels take, so that a kernel's dropout and `dropout`
 * drop the same elements after the same draws.
 */
export function drawDropout(p: number, generator?: Generator): AttentionDropout {
  const g = generator ?? defaultGenerator;
  return { p, seed0: g.nextUint32(), seed1: g.nextUint32() };
}
