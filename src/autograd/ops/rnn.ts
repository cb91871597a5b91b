import { backendFor } from '../../backend/index.js';
import type { Backend } from '../../backend/types.js';
import { fail } from '../../errors.js';
import { allocArray } from '../../tensor/alloc.js';
import type { FloatArray } from '../../tensor/dtype.js';
import { contiguousStrides } from '../../tensor/shape.js';
import { emptyTensor, Tensor } from '../../tensor/tensor.js';
import { needsGradAny, record } from '../graph.js';
import { dataOf } from './util.js';

/** The cell of a recurrent layer: LSTM, GRU, or the Elman RNN with tanh or ReLU. */
export type RecurrentMode = 'lstm' | 'gru' | 'rnn_tanh' | 'rnn_relu';

export interface RecurrentLayerWeights {
  /** [G·H, I], G = 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n) or 1 (RNN). */
  weightIh: Tensor;
  /** [G·H, H]. */
  weightHh: Tensor;
  biasIh: Tensor | null;
  biasHh: Tensor | null;
}

export interface RecurrentLayerResult {
  /** [T, B, H]: h at every step, in time order (also for a reverse layer). */
  output: Tensor;
  /** [B, H]: the last state (for a reverse layer, the one at t = 0). */
  hN: Tensor;
  /** [B, H]: the LSTM's last cell state; null for other modes. */
  cN: Tensor | null;
}

const GATES: Record<RecurrentMode, number> = { lstm: 4, gru: 3, rnn_tanh: 1, rnn_relu: 1 };

/** C (m×n, row-major) = beta·C + A·op(B): a thin wrapper around the backend GEMM. */
function gemm(be: Backend, a: FloatArray, transA: boolean, b: FloatArray, transB: boolean, c: FloatArray,
  m: number, n: number, k: number, beta: number): void {
  be.gemm({
    a, aOffset: 0, lda: transA ? m : k, transA, strideA: 0,
    b, bOffset: 0, ldb: transB ? k : n, transB, strideB: 0,
    c, cOffset: 0, ldc: n, strideC: 0,
    m, n, k, batch: 1, alpha: 1, beta,
  });
}

/** Writes `bias` (length n) into every row of the rows × n block `out` (0 when null). */
function fillRows(out: FloatArray, bias: FloatArray | null, rows: number, n: number): void {
  if (!bias) return;
  for (let r = 0; r < rows; r++) out.set(bias, r * n);
}

/**
 * One layer and one direction of an LSTM, GRU or RNN over a whole sequence, as ONE autograd node
 * (cuDNN's layout of the work):
 *
 * - forward: the input projection of all T steps is one GEMM, [T·B, I] · W_ihᵀ; then each step is one
 *   GEMM h_{t-1} · W_hhᵀ added to its gates and one fused pointwise kernel (`lstmCellForward`, ...).
 * - backward runs the steps in reverse: per step one fused pointwise kernel and one GEMM for dL/dh_{t-1};
 *   then the weight gradients are one GEMM each over all steps (dGatesᵀ · X, dGatesᵀ · H_prev), and
 *   dL/dX one GEMM (dGates · W_ih).
 *
 * `x` is [T, B, I] (time first); `h0` and `c0` [B, H] (c0 only for 'lstm'). `reverse` runs from t = T-1
 * down to 0 (the backward direction of a bidirectional layer).
 */
export function recurrentLayer(mode: RecurrentMode, x: Tensor, h0: Tensor, c0: Tensor | null,
  weights: RecurrentLayerWeights, reverse = false): RecurrentLayerResult {
  const { weightIh, weightHh, biasIh, biasHh } = weights;
  const G = GATES[mode];
  if (x.ndim !== 3) fail('ShapeMismatch', `recurrentLayer: expected x of shape [T, B, I], got [${x.shape.join(', ')}]`);
  const [T, B, I] = x.shape;
  if (T === 0) fail('InvalidArgument', `recurrentLayer (${mode}): expected a sequence of at least one step, got T = 0`);
  const H = weightHh.shape[1];
  const GH = G * H;
  const dtype = x.dtype;
  if (dtype !== 'float32' && dtype !== 'float64') fail('DTypeMismatch', `recurrentLayer: expected a float input, got ${dtype}`);
  const expect = (t: Tensor | null, shape: number[], what: string) => {
    if (!t) return;
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      fail('ShapeMismatch', `recurrentLayer (${mode}): expected ${what} of shape [${shape.join(', ')}], got [${t.shape.join(', ')}]`);
    }
    if (t.dtype !== dtype) fail('DTypeMismatch', `recurrentLayer (${mode}): expected ${what} of dtype ${dtype}, got ${t.dtype}`);
  };
  expect(weightIh, [GH, I], 'weight_ih');
  expect(weightHh, [GH, H], 'weight_hh');
  expect(biasIh, [GH], 'bias_ih');
  expect(biasHh, [GH], 'bias_hh');
  expect(h0, [B, H], 'h0');
  if (mode === 'lstm') {
    if (!c0) fail('InvalidArgument', 'recurrentLayer (lstm): c0 is required');
    expect(c0, [B, H], 'c0');
  }
  const be = backendFor(dtype);
  const alloc = (n: number) => allocArray(dtype, n) as FloatArray;
  const X = dataOf(x);
  const Wih = dataOf(weightIh);
  const Whh = dataOf(weightHh);
  const bih = biasIh ? dataOf(biasIh) : null;
  const bhh = biasHh ? dataOf(biasHh) : null;
  const h0d = dataOf(h0);
  const c0d = c0 ? dataOf(c0) : null;
  const BH = B * H;
  const BG = B * GH;
  const stepAt = (k: number) => (reverse ? T - 1 - k : k);

  // Input projection for all steps at once; the GRU keeps b_hh with its hidden part (it is gated by r).
  const gates = alloc(T * BG);
  let inputBias = bih;
  if (mode !== 'gru' && bih && bhh) {
    inputBias = alloc(GH);
    for (let j = 0; j < GH; j++) inputBias[j] = bih[j] + bhh[j];
  } else if (mode !== 'gru' && !bih) inputBias = bhh;
  fillRows(gates, inputBias, T * B, GH);
  if (B > 0) gemm(be, X, false, Wih, true, gates, T * B, GH, I, inputBias ? 1 : 0);

  // Packed result: rows 0..T-1 hold h_t; the LSTM adds row T = c at its last step.
  const packed = emptyTensor([mode === 'lstm' ? T + 1 : T, B, H], dtype);
  const out = packed.data as FloatArray;
  const cells = mode === 'lstm' ? alloc(T * BH) : null;
  const hidden = mode === 'gru' ? alloc(T * BG) : null;
  const rows = (buf: FloatArray, t: number, n: number) => buf.subarray(t * n, (t + 1) * n);

  for (let k = 0; k < T; k++) {
    const t = stepAt(k);
    const hPrev = k === 0 ? h0d : rows(out, stepAt(k - 1), BH);
    const gt = rows(gates, t, BG);
    const ht = rows(out, t, BH);
    if (mode === 'gru') {
      const gh = rows(hidden!, t, BG);
      fillRows(gh, bhh, B, GH);
      gemm(be, hPrev, false, Whh, true, gh, B, GH, H, bhh ? 1 : 0);
      be.gruCellForward(gt, gh, hPrev, ht, B, H);
    } else {
      gemm(be, hPrev, false, Whh, true, gt, B, GH, H, 1);
      if (mode === 'lstm') {
        const cPrev = k === 0 ? c0d! : rows(cells!, stepAt(k - 1), BH);
        be.lstmCellForward(gt, cPrev, rows(cells!, t, BH), ht, B, H);
      } else {
        be.unary(mode === 'rnn_tanh' ? 'tanh' : 'relu', gt, ht, BH);
      }
    }
  }
  if (mode === 'lstm') out.set(rows(cells!, stepAt(T - 1), BH), T * BH);

  const inputs = [x, h0, c0, weightIh, weightHh, biasIh, biasHh];
  if (needsGradAny(inputs)) {
    record(packed, `${mode.toUpperCase()}LayerBackward`, inputs, (gPacked) => {
      const gP = dataOf(gPacked);
      const gates2 = mode === 'gru' ? alloc(T * BG) : null; // GRU: gradient of the hidden part
      const dG = alloc(T * BG);
      // dh: dL/dh of the step being processed (its output's gradient plus what flowed back from the
      // later step); dhPrev receives dL/dh of the step before it.
      let dh = alloc(BH);
      let dhPrev = alloc(BH);
      dh.set(rows(gP, stepAt(T - 1), BH));
      // dL/dc, starting from the gradient of c_T (packed row T).
      const dcBuf = mode === 'lstm' ? gP.slice(T * BH, (T + 1) * BH) : null;
      for (let k = T - 1; k >= 0; k--) {
        const t = stepAt(k);
        const dGt = rows(dG, t, BG);
        const gOutPrev = k > 0 ? rows(gP, stepAt(k - 1), BH) : null;
        if (mode === 'gru') {
          const hPrev = k === 0 ? h0d : rows(out, stepAt(k - 1), BH);
          const dGh = rows(gates2!, t, BG);
          be.gruCellBackward(rows(gates, t, BG), rows(hidden!, t, BG), hPrev, dh, dGt, dGh, dhPrev, B, H);
          if (gOutPrev) for (let j = 0; j < BH; j++) dhPrev[j] += gOutPrev[j];
          gemm(be, dGh, false, Whh, false, dhPrev, B, H, GH, 1);
        } else {
          if (mode === 'lstm') {
            const cPrev = k === 0 ? c0d! : rows(cells!, stepAt(k - 1), BH);
            be.lstmCellBackward(rows(gates, t, BG), cPrev, rows(cells!, t, BH), dh, dcBuf!, dGt, dcBuf!, B, H);
          } else {
            be.unaryBackward(mode === 'rnn_tanh' ? 'tanh' : 'relu', rows(gates, t, BG), rows(out, t, BH), dh, dGt, BH);
          }
          if (gOutPrev) dhPrev.set(gOutPrev);
          gemm(be, dGt, false, Whh, false, dhPrev, B, H, GH, gOutPrev ? 1 : 0);
        }
        [dh, dhPrev] = [dhPrev, dh];
      }
      const dGh = gates2 ?? dG; // gradient of the part multiplied by W_hh
      const grads: (Tensor | null)[] = [null, null, null, null, null, null, null];
      const tensorOf = (data: FloatArray, shape: number[]) => new Tensor(data, shape, dtype);
      if (x.requiresGrad) {
        const dX = alloc(T * B * I);
        if (B > 0) gemm(be, dG, false, Wih, false, dX, T * B, I, GH, 0);
        grads[0] = tensorOf(dX, [T, B, I]);
      }
      if (h0.requiresGrad) grads[1] = tensorOf(dh, [B, H]);
      if (c0 && c0.requiresGrad) grads[2] = tensorOf(dcBuf!.slice(), [B, H]);
      if (weightIh.requiresGrad) {
        const dW = alloc(GH * I);
        if (B > 0) gemm(be, dG, true, X, false, dW, GH, I, T * B, 0);
        grads[3] = tensorOf(dW, [GH, I]);
      }
      if (weightHh.requiresGrad) {
        // H_prev: the state each step started from, in the same row order as the gates.
        const hPrevAll = alloc(T * BH);
        for (let k = 0; k < T; k++) hPrevAll.set(k === 0 ? h0d : rows(out, stepAt(k - 1), BH), stepAt(k) * BH);
        const dW = alloc(GH * H);
        if (B > 0) gemm(be, dGh, true, hPrevAll, false, dW, GH, H, T * B, 0);
        grads[4] = tensorOf(dW, [GH, H]);
      }
      // Bias gradients are column sums, as one GEMM each: 1[1, T·B] · dGates.
      const columnSums = (d: FloatArray) => {
        const ones = alloc(T * B).fill(1);
        const db = alloc(GH);
        gemm(be, ones, false, d, false, db, 1, GH, T * B, 0);
        return tensorOf(db, [GH]);
      };
      if (biasIh && biasIh.requiresGrad) grads[5] = columnSums(dG);
      if (biasHh && biasHh.requiresGrad) {
        grads[6] = dGh === dG && grads[5] ? tensorOf((grads[5].data as FloatArray).slice(), [GH]) : columnSums(dGh);
      }
      return grads;
    });
  }

  const last = stepAt(T - 1);
  return {
    output: mode === 'lstm' ? packedRows(packed, 0, T, false) : packed,
    hN: packedRows(packed, last, 1, true),
    cN: mode === 'lstm' ? packedRows(packed, T, 1, true) : null,
  };
}

/**
 * Rows [start, start + count) of a packed [R, B, H] result as a view ([B, H] when `squeeze`). Its
 * gradient goes back into a zero [R, B, H] block as one contiguous copy (a general slice's backward
 * walks the elements one by one).
 */
function packedRows(packed: Tensor, start: number, count: number, squeeze: boolean): Tensor {
  const [, B, H] = packed.shape;
  const shape = squeeze ? [B, H] : [count, B, H];
  const view = new Tensor(packed.data, shape, packed.dtype, contiguousStrides(shape), packed.offset + start * B * H);
  return record(view, 'PackedRowsBackward', [packed], (g) => {
    const full = emptyTensor(packed.shape, packed.dtype);
    full.data.set(dataOf(g), start * B * H);
    return [full];
  });
}
