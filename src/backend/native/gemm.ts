import { gemm as jsGemm } from '../js/gemm.js';
import type { GemmArgs } from '../types.js';
import type { NativeAddon } from './addon.js';

/** Products smaller than this (m·n·k multiply-adds) cost less in js than one call into the addon. */
const MIN_NATIVE_MACS = 512;

export function nativeGemm(addon: NativeAddon): (g: GemmArgs) => void {
  return (g) => {
    const { a, b, c } = g;
    const bias = g.bias ?? null;
    if (!(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array) ||
      !(bias === null || bias instanceof Float32Array) ||
      g.m * g.n * g.k * g.batch < MIN_NATIVE_MACS) {
      jsGemm(g);
      return;
    }
    addon.gemm(a, g.aOffset, g.lda, g.transA, g.strideA, b, g.bOffset, g.ldb, g.transB, g.strideB,
      c, g.cOffset, g.ldc, g.strideC, g.m, g.n, g.k, g.batch, g.alpha, g.beta, bias, g.biasOffset ?? 0);
  };
}
