import { gemm as jsGemm } from '../js/gemm.js';
import type { GemmArgs, GemmEpilogue } from '../types.js';
import type { NativeAddon } from './addon.js';

/** Products smaller than this (m·n·k multiply-adds) cost less in js than one call into the addon. */
const MIN_NATIVE_MACS = 512;

/** The addon's epilogue codes (native/include/kernels.h GemmEpilogue). */
const EPILOGUE_CODE: Record<GemmEpilogue, number> = {
  gelu_tanh: 1, gelu_erf: 2, gelu_tanh_grad: 3, gelu_erf_grad: 4,
};

function isF32OrNone(x: unknown): boolean {
  return x === null || x === undefined || x instanceof Float32Array;
}

export function nativeGemm(addon: NativeAddon): (g: GemmArgs) => void {
  return (g) => {
    const { a, b, c } = g;
    const grad = g.epilogue === 'gelu_tanh_grad' || g.epilogue === 'gelu_erf_grad';
    const pre = (grad ? g.pre : g.epilogue ? g.preOut : null) ?? null;
    if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array) ||
      !isF32OrNone(g.bias) || !isF32OrNone(g.colSumB) || !isF32OrNone(pre) || !isF32OrNone(g.post) || !isF32OrNone(g.residual) ||
      g.m * g.n * g.k * g.batch < MIN_NATIVE_MACS) {
      jsGemm(g);
      return;
    }
    addon.gemm(a, g.aOffset, g.lda, g.transA, g.strideA, b, g.bOffset, g.ldb, g.transB, g.strideB,
      c, g.cOffset, g.ldc, g.strideC, g.m, g.n, g.k, g.batch, g.alpha, g.beta, (g.bias ?? null) as Float32Array | null,
      g.biasOffset ?? 0, (g.colSumB ?? null) as Float32Array | null, g.colSumBOffset ?? 0,
      g.epilogue ? EPILOGUE_CODE[g.epilogue] : 0, pre as Float32Array | null,
      (grad ? g.preOffset : g.preOutOffset) ?? 0, (grad ? g.post ?? null : null) as Float32Array | null, g.postOffset ?? 0,
      (g.residual ?? null) as Float32Array | null, g.residualOffset ?? 0);
  };
}
