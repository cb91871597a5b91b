import type { AnyArray, FloatArray } from './dtype.js';

/**
 * The kernel interface. Ops (src/autograd) call only these; the js backend is the reference and the
 * native backend must agree with it. Unless stated otherwise:
 * - float arrays are Float32Array or Float64Array (the native backend accepts Float32Array only and
 *   the dispatcher sends float64 work to the js backend);
 * - arrays are read from index 0 and are contiguous; `out` arrays are written, never read;
 * - "rows × cols" means a contiguous [rows, cols] block, and reductions over an axis see the tensor as
 *   [outer, dim, inner] (the reduced axis in the middle).
 */

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'max' | 'min' | 'atan2'
  | 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

export type UnaryOp = 'neg' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'abs' | 'tanh' | 'sigmoid' | 'relu'
  | 'gelu' | 'gelu_tanh' | 'silu' | 'sin' | 'cos' | 'square' | 'reciprocal' | 'sign' | 'erf' | 'log1p' | 'expm1'
  | 'floor' | 'ceil' | 'round';

/** A strided read of `data` starting at `offset`, one stride per output dimension (0 = broadcast). */
export interface StridedView {
  data: AnyArray;
  offset: number;
  strides: readonly number[];
}

export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';

export interface GemmArgs {
  /** C[b] = alpha * op(A[b]) · op(B[b]) + beta * C[b], op(A) is [m, k], op(B) is [k, n], C is [m, n] row-major. */
  a: FloatArray; aOffset: number; lda: number; transA: boolean; strideA: number;
  b: FloatArray; bOffset: number; ldb: number; transB: boolean; strideB: number;
  c: FloatArray; cOffset: number; ldc: number; strideC: number;
  m: number; n: number; k: number; batch: number;
  alpha: number; beta: number;
  /** When given: bias[biasOffset + j] is added to every row of every C (after alpha·AB + beta·C). */
  bias?: FloatArray | null; biasOffset?: number;
  /**
   * When given: a residual laid out as C (ldc, strideC, from residualOffset) added to C with the bias
   * (y = x + proj(h) in one pass: C = alpha·AB + beta·C + bias + residual).
   */
  residual?: FloatArray | null; residualOffset?: number;
  /**
   * When given (batch 1 only): colSumB[colSumBOffset + j] = Σ_p op(B)[p, j] for j < n, the column sums of
   * op(B) (overwritten; alpha not applied). A GEMM reads all of B anyway, so a bias gradient (the column sums
   * of dY) comes with dW = Xᵀ·dY for free.
   */
  colSumB?: FloatArray | null; colSumBOffset?: number;
  /**
   * Applied to every element of C last (z = alpha·AB + beta·C + bias + residual): 'gelu_tanh' / 'gelu_erf' give
   * C = gelu(z) (the backend's elementwise 'gelu_tanh' / 'gelu' formulas); 'gelu_tanh_grad' /
   * 'gelu_erf_grad' give C = z · gelu'(pre) with `pre` read (the backward of a GELU, z its output gradient).
   */
  epilogue?: GemmEpilogue;
  /** GELU epilogues: when given, z (the pre-activation) is also written here, laid out as C (ldc, strideC). */
  preOut?: FloatArray | null; preOutOffset?: number;
  /** GELU-derivative epilogues: the pre-activation read, laid out as C (ldc, strideC). */
  pre?: FloatArray | null; preOffset?: number;
  /**
   * GELU-derivative epilogues, optional: gelu(pre) (the forward output), laid out as C; a backend may derive
   * gelu' from it more cheaply (as the elementwise backward does) instead of recomputing it.
   */
  post?: FloatArray | null; postOffset?: number;
}

/** An elementwise function a GEMM applies to its output tile while the tile is still in cache. */
export type GemmEpilogue = 'gelu_tanh' | 'gelu_erf' | 'gelu_tanh_grad' | 'gelu_erf_grad';

/**
 * Where an attention operand's [B, H, T, D] element (b, h, t, d) sits in its array:
 * offset + b·batch + h·head + t·row + d (the head dim is always contiguous). Lets the kernels read
 * q, k and v straight out of a fused (B, T, 3C) projection and write (B, T, C) outputs.
 */
export interface HeadLayout { offset: number; batch: number; head: number; row: number }

/**
 * Dropout on the attention probabilities P [B, H, Tq, Tk]: element ((b·H + h)·Tq + i)·Tk + j is dropped or
 * kept (times 1 / (1 - p)) as `dropout(…, p, seed0, seed1)` decides for that index, so a kernel equals
 * `dropout` applied to P. The probabilities a kernel saves stay undropped.
 */
export interface AttentionDropout {
  p: number; seed0: number; seed1: number;
}

export interface AttentionArgs {
  /**
   * q: [B, H, Tq, D], k and v: [B, H, Tk, D], out: [B, H, Tq, D], contiguous unless `layouts` says
   * otherwise.
   */
  q: FloatArray; k: FloatArray; v: FloatArray; out: FloatArray;
  batch: number; heads: number; tq: number; tk: number; headDim: number;
  scale: number;
  /** Query i may attend key j only when j <= i + (tk - tq). */
  causal: boolean;
  /** Optional [B?, H?, Tq, Tk] bytes, 1 = takes part; given with its broadcast strides over (B, H). */
  mask: Uint8Array | null; maskStrideB: number; maskStrideH: number;
  /** Softmax probabilities [B, H, Tq, Tk] written here when given (needed by backward). */
  probs: FloatArray | null;
  layouts?: { q: HeadLayout; k: HeadLayout; v: HeadLayout; out: HeadLayout };
  /** out = dropout(P)·V (0 < p < 1). */
  dropout?: AttentionDropout | null;
}

export interface AttentionBackwardArgs {
  q: FloatArray; k: FloatArray; v: FloatArray; probs: FloatArray; gradOut: FloatArray;
  gradQ: FloatArray; gradK: FloatArray; gradV: FloatArray;
  batch: number; heads: number; tq: number; tk: number; headDim: number; scale: number;
  /** The forward was causal: probs are zero past the diagonal, which a kernel may skip (default false). */
  causal?: boolean;
  /** As AttentionArgs.layouts (probs stays contiguous [B, H, Tq, Tk]); gradients are overwritten. */
  layouts?: {
    q: HeadLayout; k: HeadLayout; v: HeadLayout; gradOut: HeadLayout; gradQ: HeadLayout; gradK: HeadLayout; gradV: HeadLayout;
  };
  /** The forward's dropout (probs are the undropped probabilities). */
  dropout?: AttentionDropout | null;
}

/** Adam's hyper-parameters and step count, shared by every tensor of one update. */
export interface AdamHyperParams {
  lr: number; beta1: number; beta2: number; eps: number; weightDecay: number;
  /** 1-based step count, for bias correction. */
  step: number;
  /** true: AdamW (decoupled decay p -= lr*wd*p); false: Adam (L2 added to the gradient). */
  decoupled: boolean;
}

export interface AdamArgs extends AdamHyperParams {
  param: Float32Array | Float64Array; grad: Float32Array | Float64Array;
  m: Float32Array | Float64Array; v: Float32Array | Float64Array;
}

/** Several tensors updated with the same hyper-parameters: tensor i is params[i], grads[i], ms[i], vs[i]. */
export interface AdamListArgs extends AdamHyperParams {
  params: readonly FloatArray[]; grads: readonly FloatArray[]; ms: readonly FloatArray[]; vs: readonly FloatArray[];
}

export interface CrossEntropyArgs {
  logits: FloatArray; targets: Int32Array; rows: number; classes: number;
  ignoreIndex: number; labelSmoothing: number;
  /** Per-row loss (0 for ignored rows). */
  losses: FloatArray;
  /** When given, d(sum of row losses)/d(logits), to be scaled by the caller. */
  gradLogits: FloatArray | null;
}

export interface Backend {
  readonly name: 'js' | 'native';

  /** out[i] = a[i] op b[i] over `shape`, a and b read strided (broadcast dims have stride 0). */
  binary(op: BinaryOp, a: StridedView, b: StridedView, out: AnyArray, shape: readonly number[]): void;
  /** out = op(x), contiguous, n elements. */
  unary(op: UnaryOp, x: FloatArray, out: FloatArray, n: number): void;
  /** gx = gy * op'(x) (y = op(x) is given too, for ops whose derivative is cheaper from y). */
  unaryBackward(op: UnaryOp, x: FloatArray, y: FloatArray, gy: FloatArray, gx: FloatArray, n: number): void;
  /** out = clamp(x, lo, hi) (either bound may be ±Infinity). */
  clamp(x: FloatArray, out: FloatArray, n: number, lo: number, hi: number): void;
  /** out = x ** exponent. */
  powScalar(x: FloatArray, out: FloatArray, n: number, exponent: number): void;
  /** out = x * scale + shift. */
  affine(x: FloatArray, out: FloatArray, n: number, scale: number, shift: number): void;
  /** out = cond ? a : b over `shape`, all three read strided (cond is bytes, 1 = true). */
  where(cond: StridedView, a: StridedView, b: StridedView, out: AnyArray, shape: readonly number[]): void;
  /** Copies a strided view of `shape` into contiguous `out` (also converts between array types). */
  copy(src: StridedView, out: AnyArray, shape: readonly number[]): void;
  /** out[o, i] = reduce over d of x[o, d, i]; `indices` gets the arg index for max/min. */
  reduce(op: ReduceOp, x: FloatArray, out: FloatArray, outer: number, dim: number, inner: number,
    indices: Int32Array | null): void;
  /** Cumulative sum along the middle axis of [outer, dim, inner]. */
  cumsum(x: FloatArray, out: FloatArray, outer: number, dim: number, inner: number): void;
  /**
   * The k largest (or smallest) values along the middle axis of [outer, dim, inner], written as
   * [outer, k, inner] with their indices; NaN counts as larger than every number (as PyTorch), ties keep
   * the lower index first. `sorted` is advisory: the js reference always sorts.
   */
  topk(x: FloatArray, values: FloatArray, indices: Int32Array, outer: number, dim: number, inner: number,
    k: number, largest: boolean): void;
  gemm(args: GemmArgs): void;
  /** Row-wise softmax (or log-softmax) over the middle axis of [outer, dim, inner]. */
  softmax(x: FloatArray, out: FloatArray, outer: number, dim: number, inner: number, log: boolean): void;
  /** Gradient of softmax/log-softmax from its output y. */
  softmaxBackward(y: FloatArray, gy: FloatArray, gx: FloatArray, outer: number, dim: number, inner: number,
    log: boolean): void;
  /** y = (x - mean) * rstd * w + b per row; mean and rstd [rows] saved for backward. w, b may be null. */
  layerNorm(x: FloatArray, w: FloatArray | null, b: FloatArray | null, y: FloatArray, mean: FloatArray,
    rstd: FloatArray, rows: number, cols: number, eps: number): void;
  /** gx is written (added to when `accumulate`); gw and gb (if given) are accumulated into. */
  layerNormBackward(x: FloatArray, w: FloatArray | null, mean: FloatArray, rstd: FloatArray, gy: FloatArray,
    gx: FloatArray, gw: FloatArray | null, gb: FloatArray | null, rows: number, cols: number, accumulate?: boolean): void;
  /** out[i, :] = weight[ids[i], :]; ids are checked in range by the caller. */
  embedding(ids: Int32Array, weight: FloatArray, out: FloatArray, n: number, dim: number): void;
  /** gw[ids[i], :] += gy[i, :] (skipping ids equal to `paddingIdx`, -1 for none). */
  embeddingBackward(ids: Int32Array, gy: FloatArray, gw: FloatArray, n: number, dim: number, paddingIdx: number): void;
  crossEntropy(args: CrossEntropyArgs): void;
  /** out[o, j, i] = x[o, idx[o, j, i], i] for idx of shape [outer, m, inner] over x of [outer, dim, inner]. */
  gather(x: AnyArray, idx: Int32Array, out: AnyArray, outer: number, dim: number, m: number, inner: number): void;
  /** gx[o, idx[o, j, i], i] += g[o, j, i]. */
  scatterAdd(g: FloatArray, idx: Int32Array, gx: FloatArray, outer: number, dim: number, m: number, inner: number): void;
  attention(args: AttentionArgs): void;
  attentionBackward(args: AttentionBackwardArgs): void;
  /**
   * Fused LSTM step (B = batch, H = hidden; gate order i, f, g, o). gates [B, 4H]: pre-activations in,
   * activations out (kept for backward). c = f·cPrev + i·g, h = o·tanh(c), both [B, H].
   */
  lstmCellForward(gates: FloatArray, cPrev: FloatArray, c: FloatArray, h: FloatArray, batch: number, hidden: number): void;
  /**
   * Backward of lstmCellForward from gh = dL/dh and gc = dL/dc: writes gGates [B, 4H] (gradient of the
   * pre-activations) and gcPrev [B, H] = dL/dcPrev; gcPrev may be the same array as gc.
   */
  lstmCellBackward(gates: FloatArray, cPrev: FloatArray, c: FloatArray, gh: FloatArray, gc: FloatArray,
    gGates: FloatArray, gcPrev: FloatArray, batch: number, hidden: number): void;
  /**
   * Fused GRU step (gate order r, z, n). gi [B, 3H] = x·W_ihᵀ + b_ih, overwritten with the activations
   * (r, z, n); gh [B, 3H] = hPrev·W_hhᵀ + b_hh, read only. n = tanh(gi_n + r·gh_n), h = (1 - z)·n + z·hPrev.
   */
  gruCellForward(gi: FloatArray, gh: FloatArray, hPrev: FloatArray, h: FloatArray, batch: number, hidden: number): void;
  /**
   * Backward of gruCellForward from gOut = dL/dh: writes gGi and gGh [B, 3H] (gradients of the input and
   * hidden parts) and gHPrev [B, H] = z·gOut (the direct term; the caller adds gGh·W_hh).
   */
  gruCellBackward(gates: FloatArray, gh: FloatArray, hPrev: FloatArray, gOut: FloatArray,
    gGi: FloatArray, gGh: FloatArray, gHPrev: FloatArray, batch: number, hidden: number): void;
  adamUpdate(args: AdamArgs): void;
  /**
   * adamUpdate on every tensor of the list in one call (PyTorch's foreach path): each tensor ends up bit for
   * bit as its own adamUpdate call would leave it.
   */
  adamUpdateList(args: AdamListArgs): void;
  /** Sum of squares of `x` (for gradient-norm clipping), accumulated in double precision. */
  sumSquares(x: FloatArray, n: number): number;
  /** Σ sumSquares(xs[i], xs[i].length), the sums added in list order (bit for bit as adding them one by one). */
  sumSquaresList(xs: readonly FloatArray[]): number;
  /** x *= s in place. */
  scaleInPlace(x: FloatArray, n: number, s: number): void;
  /** scaleInPlace(xs[i], xs[i].length, s) on every array of the list. */
  scaleInPlaceList(xs: readonly FloatArray[], s: number): void;
  /**
   * Dropout of n elements: out[i] = x[i] · factor i, where the factor is 0 with probability p (0 < p < 1),
   * else 1 / (1 - p); x may be out. Element i is dropped when a counter-based hash of (i, seed0, seed1)
   * (uint32 seeds) falls below p · 2^32, so every backend drops the same elements from the same seeds,
   * and applying the kernel to a gradient with the same seeds is the backward pass.
   */
  dropout(x: FloatArray, out: FloatArray, n: number, p: number, seed0: number, seed1: number): void;
  /** Sets the number of kernel threads (no-op on js). */
  setNumThreads(n: number): void;
  getNumThreads(): number;
}
