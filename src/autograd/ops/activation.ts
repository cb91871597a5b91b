import type { Tensor } from '../../tensor/tensor.js';
import { abs, add, exp, expm1, gt, log1p, mul, neg, relu } from './elementwise.js';
import { where } from './indexing.js';

/** LeakyReLU: x for x > 0, negativeSlope·x otherwise (default slope 0.01). */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return where(gt(x, 0), x, mul(x, negativeSlope));
}

/** ELU: x for x > 0, alpha·(exp(x) - 1) otherwise. */
export function elu(x: Tensor, alpha = 1): Tensor {
  return where(gt(x, 0), x, mul(expm1(x), alpha));
}

/** Softplus: log(1 + exp(βx))/β, linear (x) where βx > threshold, as PyTorch (β = 1, threshold = 20). */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  const bx = mul(x, beta);
  // log(1 + e^z) = max(z, 0) + log1p(e^-|z|), stable for large |z|.
  const soft = mul(add(relu(bx), log1p(exp(neg(abs(bx))))), 1 / beta);
  return where(gt(bx, threshold), x, soft);
}

/** log(sigmoid(x)) = -softplus(-x), computed stably. */
export function logSigmoid(x: Tensor): Tensor {
  return neg(softplus(neg(x)));
}
