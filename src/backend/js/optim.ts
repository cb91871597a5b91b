import type { FloatArray } from '../dtype.js';
import type { AdamArgs, AdamHyperParams, AdamListArgs } from '../types.js';

/** One Adam/AdamW step of one tensor, exactly as torch.optim.Adam/AdamW (non-amsgrad, non-fused) computes it. */
function adamTensor(p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, h: AdamHyperParams): void {
  const { lr, beta1, beta2, eps, weightDecay: wd, step, decoupled } = h;
  const bc1 = 1 - Math.pow(beta1, step);
  const bc2 = 1 - Math.pow(beta2, step);
  const stepSize = lr / bc1;
  const bc2Sqrt = Math.sqrt(bc2);
  const n = p.length;
  for (let i = 0; i < n; i++) {
    let gi = g[i];
    if (decoupled) p[i] *= 1 - lr * wd;
    else if (wd !== 0) gi += wd * p[i];
    m[i] = beta1 * m[i] + (1 - beta1) * gi;
    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
    const denom = Math.sqrt(v[i]) / bc2Sqrt + eps;
    p[i] -= stepSize * m[i] / denom;
  }
}

export function adamUpdate(a: AdamArgs): void {
  adamTensor(a.param, a.grad, a.m, a.v, a);
}

export function adamUpdateList(a: AdamListArgs): void {
  for (let t = 0; t < a.params.length; t++) adamTensor(a.params[t], a.grads[t], a.ms[t], a.vs[t], a);
}
