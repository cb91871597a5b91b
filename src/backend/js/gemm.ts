import { fail } from '../../errors.js';
import type { FloatArray } from '../dtype.js';
import type { GemmArgs, GemmEpilogue } from '../types.js';
import { unaryDerivativeScalar, unaryScalar } from './elementwise.js';

/**
 * Reference GEMM: C = alpha·op(A)·op(B) + beta·C (+ bias per row, + residual) per batch, an i-k-j loop over rows; then
 * the optional epilogue per row and the optional column sums of op(B).
 */
export function gemm(g: GemmArgs): void {
  const { m, n, k, a, b, c, lda, ldb, ldc, transA, transB, alpha, beta, bias } = g;
  const bo0 = g.biasOffset ?? 0;
  const residual = g.residual ?? null;
  const ro0 = g.residualOffset ?? 0;
  const epilogue = g.epilogue ? rowEpilogue(g.epilogue, g, c instanceof Float64Array) : null;
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
      if (residual) for (let j = 0, r = crow - g.cOffset + ro0; j < n; j++) c[crow + j] += residual[r + j];
      epilogue?.(c, crow - g.cOffset, n);
    }
  }
  if (g.colSumB) columnSumsOfB(g, g.colSumB, g.colSumBOffset ?? 0);
}

/** out[j] = Σ_p op(B)[p, j] (one batch item). */
function columnSumsOfB(g: GemmArgs, out: FloatArray, outOffset: number): void {
  if (g.batch !== 1) fail('InvalidArgument', `gemm: colSumB needs batch 1, got ${g.batch}`);
  const { b, ldb, transB, k, n, bOffset } = g;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += transB ? b[bOffset + j * ldb + p] : b[bOffset + p * ldb + j];
    out[outOffset + j] = s;
  }
}

/**
 * The epilogue over one finished row of C: (c, at, n) with `at` the row's start relative to cOffset (the
 * same position in preOut / pre, which are laid out as C).
 */
function rowEpilogue(kind: GemmEpilogue, g: GemmArgs, precise: boolean): (c: FloatArray, at: number, n: number) => void {
  const cOffset = g.cOffset;
  if (kind === 'gelu_tanh' || kind === 'gelu_erf') {
    const f = unaryScalar(kind === 'gelu_tanh' ? 'gelu_tanh' : 'gelu', precise);
    const preOut = g.preOut ?? null;
    const po = (g.preOutOffset ?? 0) - cOffset;
    return (c, at, n) => {
      for (let j = at + cOffset, e = j + n; j < e; j++) {
        const z = c[j];
        if (preOut) preOut[po + j] = z;
        c[j] = f(z);
      }
    };
  }
  const pre = g.pre;
  if (!pre) fail('InvalidArgument', `gemm: epilogue '${kind}' needs pre, got none`);
  const d = unaryDerivativeScalar(kind === 'gelu_tanh_grad' ? 'gelu_tanh' : 'gelu', precise);
  const po = (g.preOffset ?? 0) - cOffset;
  return (c, at, n) => {
    for (let j = at + cOffset, e = j + n; j < e; j++) c[j] *= d(pre[po + j], 0);
  };
}
