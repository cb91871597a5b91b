import type { GemmArgs } from '../types.js';

/** Reference GEMM: C = alpha·op(A)·op(B) + beta·C (+ bias per row) per batch, an i-k-j loop over rows. */
export function gemm(g: GemmArgs): void {
  const { m, n, k, a, b, c, lda, ldb, ldc, transA, transB, alpha, beta, bias } = g;
  const bo0 = g.biasOffset ?? 0;
  for (let bt = 0; bt < g.batch; bt++) {
    const ao = g.aOffset + bt * g.strideA;
    const bo = g.bOffset + bt * g.strideB;
    const co = g.cOffset + bt * g.strideC;
    for (let i = 0; i < m; i++) {
      const crow = co + i * ldc;
      if (beta === 0) for (let j = 0; j < n; j++) c[crow + j] = 0;
      else if (beta !== 1) for (let j = 0; j < n; j++) c[crow + j] *= beta;
      for (let p = 0; p < k; p++) {
        const av = alpha * (transA ? a[ao + p * lda + i] : a[ao + i * lda + p]);
        if (av === 0) continue;
        if (transB) {
          for (let j = 0; j < n; j++) c[crow + j] += av * b[bo + j * ldb + p];
        } else {
          const brow = bo + p * ldb;
          for (let j = 0; j < n; j++) c[crow + j] += av * b[brow + j];
        }
      }
      if (bias) for (let j = 0; j < n; j++) c[crow + j] += bias[bo0 + j];
    }
  }
}
