import { fail } from '../errors.js';
import type { FloatArray } from '../tensor/dtype.js';
import { isFloat } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * The elements of a contiguous float tensor as a writable array that aliases its storage, so optimizers
 * and clipping can update parameters and gradients in place.
 */
export function floatStorage(t: Tensor, what: string): FloatArray {
  if (!isFloat(t.dtype)) fail('DTypeMismatch', `${what}: expected a float32 or float64 tensor, got ${t.dtype}`);
  if (!t.isContiguous()) {
    fail('Unsupported', `${what}: expected a contiguous tensor, got shape [${t.shape.join(', ')}] with strides [${t.strides.join(', ')}]`);
  }
  const n = t.size;
  const data = t.data as FloatArray;
  return t.offset === 0 && data.length === n ? data : data.subarray(t.offset, t.offset + n);
}
