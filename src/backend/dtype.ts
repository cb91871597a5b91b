/** Element types and their typed arrays: the vocabulary of the kernel interface (src/tensor/dtype.ts re-exports them). */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';
export type FloatDType = 'float32' | 'float64';

export type FloatArray = Float32Array | Float64Array;
export type AnyArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export type ArrayFor<D extends DType> = D extends 'float32'
  ? Float32Array
  : D extends 'float64'
    ? Float64Array
    : D extends 'int32'
      ? Int32Array
      : Uint8Array;
