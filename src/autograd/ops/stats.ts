import { fail } from '../../errors.js';
import { normalizeDim } from '../../tensor/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { abs, eq, gt, mul, ne, powScalar, sqrt } from './elementwise.js';
import { amax, max, sum, type Dims, variance, type VarOptions } from './reduce.js';
import { reshape } from './shape.js';

/** Standard deviation sqrt(var(x)) over `dim` (Bessel-corrected unless unbiased is false). */
export function std(x: Tensor, dim?: Dims, opts?: VarOptions): Tensor {
  return sqrt(variance(x, dim, opts));
}

/**
 * The p-norm (Σ|x|^p)^(1/p) over `dim` (all elements when omitted); p = 2 (default), 1, any p > 0, or
 * Infinity (max |x|).
 */
export function norm(x: Tensor, p = 2, dim?: Dims, keepdim = false): Tensor {
  if (!(p > 0)) fail('InvalidArgument', `norm: expected p > 0, got ${p}`);
  if (p === Infinity) {
    if (dim === undefined || dim === null) return keepdim ? reshape(amax(abs(x)), x.shape.map(() => 1)) : amax(abs(x));
    if (typeof dim !== 'number') fail('Unsupported', 'norm: p = Infinity over several dims');
    return max(abs(x), dim, keepdim).values;
  }
  if (p === 2) return sqrt(sum(mul(x, x), dim, keepdim));
  if (p === 1) return sum(abs(x), dim, keepdim);
  return powScalar(sum(powScalar(abs(x), p), dim, keepdim), 1 / p);
}

/** True where any element along `dim` (all elements when omitted) is nonzero (NaN counts as nonzero). */
export function any(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  return gt(sum(ne(x, 0), dim, keepdim), 0);
}

/** True where every element along `dim` (all elements when omitted) is nonzero. */
export function all(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = dim === undefined || dim === null ? x.shape.map((_, i) => i) : typeof dim === 'number' ? [dim] : [...dim];
  const count = dims.reduce((n, d) => n * x.shape[normalizeDim(d, x.ndim, 'all')], 1);
  return eq(sum(ne(x, 0), dim, keepdim), count);
}
