import { backendFor } from '../backend/index.js';
import { fail } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { floatStorage } from './storage.js';

export interface ClipGradNormOptions {
  /** Throw when the total norm is NaN or infinite instead of scaling by it. Default: false. */
  errorIfNonfinite?: boolean;
}

function withGrads(params: Iterable<Tensor> | Tensor): Tensor[] {
  const list = params instanceof Tensor ? [params] : [...params];
  return list.filter((p) => p.grad !== null);
}

/**
 * Scales the gradients of `params` in place so that their joint norm is at most `maxNorm`, as
 * torch.nn.utils.clip_grad_norm_: total = ‖(‖g₁‖ₚ, ‖g₂‖ₚ, ...)‖ₚ, and every gradient is multiplied by
 * min(1, maxNorm / (total + 1e-6)).
 *
 * @param params parameters whose `.grad` is clipped (those without a gradient are ignored)
 * @param maxNorm the largest allowed norm
 * @param normType p of the p-norm, `Infinity` for the largest absolute value. Default: 2.
 * @returns the total norm of the gradients before clipping
 */
export function clipGradNorm(params: Iterable<Tensor> | Tensor, maxNorm: number, normType = 2,
  opts: ClipGradNormOptions = {}): number {
  if (!(maxNorm >= 0)) fail('InvalidArgument', `clipGradNorm: maxNorm must be >= 0, got ${maxNorm}`);
  if (!(normType > 0)) fail('InvalidArgument', `clipGradNorm: normType must be > 0 or Infinity, got ${normType}`);
  const withGrad = withGrads(params);
  const grads = withGrad.map((p) => floatStorage(p.grad as Tensor, 'clipGradNorm gradient'));
  const dtypes = withGrad.map((p) => (p.grad as Tensor).dtype);
  if (grads.length === 0) return 0;
  // One backend call for all gradients when they share a dtype (torch's foreach path), else one per gradient.
  const oneBackend = dtypes.every((d) => d === dtypes[0]) ? backendFor(dtypes[0]) : null;
  let total: number;
  if (normType === Infinity) {
    total = 0;
    for (const g of grads) {
      for (let i = 0; i < g.length; i++) {
        const a = Math.abs(g[i]);
        if (a > total || Number.isNaN(a)) total = a;
      }
    }
  } else if (normType === 2) {
    let sum = 0;
    if (oneBackend) sum = oneBackend.sumSquaresList(grads);
    else grads.forEach((g, i) => { sum += backendFor(dtypes[i]).sumSquares(g, g.length); });
    total = Math.sqrt(sum);
  } else {
    let sum = 0;
    for (const g of grads) for (let i = 0; i < g.length; i++) sum += Math.pow(Math.abs(g[i]), normType);
    total = Math.pow(sum, 1 / normType);
  }
  if (!Number.isFinite(total) && opts.errorIfNonfinite) {
    fail('InvalidArgument', `clipGradNorm: the total norm of order ${normType} of the gradients is ${total}`);
  }
  const coef = maxNorm / (total + 1e-6);
  // Like PyTorch, a NaN total norm propagates into the gradients.
  if (!(coef >= 1)) {
    if (oneBackend) oneBackend.scaleInPlaceList(grads, coef);
    else grads.forEach((g, i) => backendFor(dtypes[i]).scaleInPlace(g, g.length, coef));
  }
  return total;
}

/** Clamps every gradient element of `params` into [-clipValue, clipValue] in place (clip_grad_value_). */
export function clipGradValue(params: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (!(clipValue >= 0)) fail('InvalidArgument', `clipGradValue: clipValue must be >= 0, got ${clipValue}`);
  for (const p of withGrads(params)) {
    const g = floatStorage(p.grad as Tensor, 'clipGradValue gradient');
    backendFor((p.grad as Tensor).dtype).clamp(g, g, g.length, -clipValue, clipValue);
  }
}
