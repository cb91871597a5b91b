import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

type F32 = Float32Array;

/** The compiled addon's functions, as native/src/addon.cc and native/src/bindings.cc export them. */
export interface NativeAddon {
  cpuHasAvx2Fma(): boolean;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** Zeroed memory whose whole 2 MB blocks are huge pages (native/src/huge_pages.cc); null where unavailable. */
  allocHugePages?(bytes: number): ArrayBuffer | null;
  gemm(a: F32, aOffset: number, lda: number, transA: boolean, strideA: number,
    b: F32, bOffset: number, ldb: number, transB: boolean, strideB: number,
    c: F32, cOffset: number, ldc: number, strideC: number,
    m: number, n: number, k: number, batch: number, alpha: number, beta: number, bias: F32 | null,
    biasOffset: number, colSumB: F32 | null, colSumBOffset: number, epilogue: number, pre: F32 | null,
    preOffset: number, post: F32 | null, postOffset: number, residual: F32 | null, residualOffset: number): void;
  /** meta = [ndim, shape..., aStrides..., bStrides...] */
  binary(op: number, a: F32, aOffset: number, b: F32, bOffset: number, out: F32, meta: Int32Array): void;
  /** meta = [ndim, shape..., strides...] */
  copy(src: F32, srcOffset: number, out: F32, meta: Int32Array): void;
  unary(op: number, x: F32, out: F32, n: number): void;
  /** false when the op has no native derivative (nothing was written). */
  unaryBackward(op: number, x: F32, y: F32, gy: F32, gx: F32, n: number): boolean;
  clamp(x: F32, out: F32, n: number, lo: number, hi: number): void;
  affine(x: F32, out: F32, n: number, scale: number, shift: number): void;
  dropout(x: F32, out: F32, n: number, p: number, seed0: number, seed1: number): void;
  scaleInPlace(x: F32, n: number, s: number): void;
  sumSquares(x: F32, n: number): number;
  /** total + each array's sum of squares, added in order; arrays shorter than minVector are summed as js does. */
  sumSquaresList(minVector: number, total: number, ...xs: F32[]): number;
  /** Scales every array; arrays shorter than minVector are scaled as the js kernel does (in double). */
  scaleInPlaceList(s: number, minVector: number, ...xs: F32[]): void;
  /** op: 0 sum, 1 max, 2 min */
  reduce(op: number, x: F32, out: F32, outer: number, dim: number, inner: number, indices: Int32Array | null): void;
  softmax(x: F32, out: F32, rows: number, dim: number, log: boolean): void;
  softmaxBackward(y: F32, gy: F32, gx: F32, rows: number, dim: number, log: boolean): void;
  layerNorm(x: F32, w: F32 | null, b: F32 | null, y: F32, mean: F32, rstd: F32, rows: number, cols: number,
    eps: number): void;
  layerNormBackward(x: F32, w: F32 | null, mean: F32, rstd: F32, gy: F32, gx: F32, gw: F32 | null, gb: F32 | null,
    rows: number, cols: number, accumulate: boolean): void;
  embedding(ids: Int32Array, weight: F32, out: F32, n: number, dim: number): void;
  embeddingBackward(ids: Int32Array, gy: F32, gw: F32, n: number, dim: number, paddingIdx: number): void;
  crossEntropy(logits: F32, targets: Int32Array, rows: number, classes: number, ignoreIndex: number,
    labelSmoothing: number, losses: F32, grad: F32 | null): void;
  adam(p: F32, g: F32, m: F32, v: F32, lr: number, beta1: number, beta2: number, eps: number, weightDecay: number,
    step: number, decoupled: boolean): void;
  /** Adam on n tensors, passed as 4n arrays: the n params, then the n grads, ms and vs. */
  adamList(lr: number, beta1: number, beta2: number, eps: number, weightDecay: number, step: number,
    decoupled: boolean, ...arrays: F32[]): void;
  attention(q: F32, k: F32, v: F32, out: F32, batch: number, heads: number, tq: number, tk: number, d: number,
    scale: number, causal: boolean, mask: Uint8Array | null, maskStrideB: number, maskStrideH: number,
    probs: F32 | null, layouts: Float64Array, dropoutP: number, seed0: number, seed1: number): void;
  attentionBackward(q: F32, k: F32, v: F32, probs: F32, gradOut: F32, gradQ: F32, gradK: F32, gradV: F32,
    batch: number, heads: number, tq: number, tk: number, d: number, scale: number, causal: boolean,
    layouts: Float64Array, dropoutP: number, seed0: number, seed1: number): void;
  lstmCellForward(gates: F32, cPrev: F32, c: F32, h: F32, batch: number, hidden: number): void;
  lstmCellBackward(gates: F32, cPrev: F32, c: F32, gh: F32, gc: F32, gGates: F32, gcPrev: F32, batch: number,
    hidden: number): void;
  gruCellForward(gi: F32, gh: F32, hPrev: F32, h: F32, batch: number, hidden: number): void;
  gruCellBackward(gates: F32, gh: F32, hPrev: F32, gOut: F32, gGi: F32, gGh: F32, gHPrev: F32, batch: number,
    hidden: number): void;
}

/** Kernels the TS wrapper calls; an addon built from older sources that lacks one is not used. */
const REQUIRED: readonly (keyof NativeAddon)[] = ['setNumThreads', 'getNumThreads', 'gemm', 'binary', 'copy', 'unary',
  'unaryBackward', 'clamp', 'affine', 'dropout', 'scaleInPlace', 'sumSquares', 'scaleInPlaceList', 'sumSquaresList', 'reduce', 'softmax', 'softmaxBackward', 'layerNorm',
  'layerNormBackward', 'embedding', 'embeddingBackward', 'crossEntropy', 'adam', 'adamList', 'attention', 'attentionBackward',
  'lstmCellForward', 'lstmCellBackward', 'gruCellForward', 'gruCellBackward'];

const here = path.dirname(fileURLToPath(import.meta.url));
const candidates = [
  path.resolve(here, '../../../build/Release/lmkit_native.node'),
  path.resolve(here, '../../../build/Debug/lmkit_native.node'),
];

/** Loads the addon, or returns the reason it cannot be used. */
export function loadAddon(): NativeAddon | string {
  const require = createRequire(import.meta.url);
  let lastError = 'the native addon was not built (run `npm install` with a C++ toolchain)';
  for (const file of candidates) {
    try {
      const addon = require(file) as NativeAddon;
      if (!addon.cpuHasAvx2Fma()) return 'the native kernels need an x86-64 CPU with AVX2 and FMA';
      const missing = REQUIRED.filter((name) => typeof addon[name] !== 'function');
      if (missing.length > 0) return `the native addon is out of date (no ${missing.join(', ')}); rebuild it`;
      return addon;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') lastError = String((e as Error).message);
    }
  }
  return lastError;
}
