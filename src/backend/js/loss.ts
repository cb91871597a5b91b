import type { CrossEntropyArgs } from '../types.js';

/**
 * Per-row cross-entropy with PyTorch's label smoothing: loss = (1-ε)·(-log p[t]) + ε·mean_c(-log p[c]).
 * Rows whose target equals ignoreIndex give loss 0 and gradient 0.
 */
export function crossEntropy(a: CrossEntropyArgs): void {
  const { logits, targets, rows, classes: C, ignoreIndex, labelSmoothing: eps, losses, gradLogits } = a;
  for (let r = 0; r < rows; r++) {
    const o = r * C;
    const t = targets[r];
    if (t === ignoreIndex) {
      losses[r] = 0;
      if (gradLogits) for (let c = 0; c < C; c++) gradLogits[o + c] = 0;
      continue;
    }
    let mx = -Infinity;
    for (let c = 0; c < C; c++) if (logits[o + c] > mx) mx = logits[o + c];
    let sum = 0;
    for (let c = 0; c < C; c++) sum += Math.exp(logits[o + c] - mx);
    const lse = mx + Math.log(sum);
    let loss = (1 - eps) * (lse - logits[o + t]);
    if (eps > 0) {
      let sumLogits = 0;
      for (let c = 0; c < C; c++) sumLogits += logits[o + c];
      loss += eps * (lse - sumLogits / C);
    }
    losses[r] = loss;
    if (gradLogits) {
      const inv = 1 / sum;
      for (let c = 0; c < C; c++) gradLogits[o + c] = Math.exp(logits[o + c] - mx) * inv - eps / C;
      gradLogits[o + t] -= 1 - eps;
    }
  }
}
