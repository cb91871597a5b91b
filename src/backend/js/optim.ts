import type { AdamArgs } from '../types.js';

/** One Adam/AdamW step, exactly as torch.optim.Adam/AdamW (non-amsgrad, non-fused) computes it. */
export function adamUpdate(a: AdamArgs): void {
  const { param: p, grad: g, m, v, lr, beta1, beta2, eps, weightDecay: wd, step, decoupled } = a;
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
