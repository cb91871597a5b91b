import { backendFor } from '../../backend/index.js';
import { fail } from '../../errors.js';
import type { FloatArray } from '../../tensor/dtype.js';
import { emptyTensor, Tensor } from '../../tensor/tensor.js';
import { needsGrad, record } from '../graph.js';
import { binaryRaw, div, mul, neg, sub } from './elementwise.js';
import { gather } from './indexing.js';
import { mean, sum } from './reduce.js';
import { movedim, reshape, squeeze } from './shape.js';
import { castRaw, contiguousRaw, requireFloat } from './util.js';

export type Reduction = 'mean' | 'sum' | 'none';

export interface CrossEntropyOptions {
  /** Targets equal to this are skipped (no loss, no gradient, not counted by 'mean'). Default -100. */
  ignoreIndex?: number;
  /** ε: the target distribution is (1-ε)·onehot + ε/C. Default 0. */
  labelSmoothing?: number;
  /** Default 'mean': the average over non-ignored targets. */
  reduction?: Reduction;
}

function checkReduction(r: string, op: string): Reduction {
  if (r !== 'mean' && r !== 'sum' && r !== 'none') fail('InvalidArgument', `${op}: expected reduction 'mean', 'sum' or 'none', got '${r}'`);
  return r;
}

/**
 * Puts the class dim of [N, C, d1, ...] (or [C]) last and flattens: logits [R, C], targets [R], and the
 * shape of the per-element loss ([N, d1, ...], or [] for [C]).
 */
function flattenClasses(input: Tensor, target: Tensor, op: string): { rows: Tensor; targets: Tensor; lossShape: number[] } {
  if (target.dtype !== 'int32') fail('DTypeMismatch', `${op}: expected int32 targets, got ${target.dtype}`);
  if (input.ndim === 1) {
    if (target.ndim !== 0) fail('ShapeMismatch', `${op}: expected a 0-d target for input [${input.shape.join(', ')}], got [${target.shape.join(', ')}]`);
    return { rows: reshape(input, [1, -1]), targets: reshape(target, [1]), lossShape: [] };
  }
  if (input.ndim < 1) fail('ShapeMismatch', `${op}: expected input [N, C, ...] or [C], got a 0-d tensor`);
  const lossShape = [input.shape[0], ...input.shape.slice(2)];
  if (target.ndim !== lossShape.length || target.shape.some((s, i) => s !== lossShape[i])) {
    fail('ShapeMismatch', `${op}: expected target of shape [${lossShape.join(', ')}] for input [${input.shape.join(', ')}], got [${target.shape.join(', ')}]`);
  }
  const rows = input.ndim === 2 ? input : reshape(movedim(input, 1, -1), [-1, input.shape[1]]);
  return { rows, targets: contiguousRaw(reshape(target, [-1])), lossShape };
}

function checkTargets(targets: Int32Array, classes: number, ignoreIndex: number, op: string): number {
  let count = 0;
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    if (t === ignoreIndex) continue;
    if (t < 0 || t >= classes) fail('IndexOutOfRange', `${op}: target ${t} is out of range [0, ${classes}) (ignoreIndex ${ignoreIndex})`);
    count++;
  }
  return count;
}

function reduce(losses: Tensor, lossShape: number[], reduction: Reduction, count: number): Tensor {
  if (reduction === 'none') return reshape(losses, lossShape);
  const total = sum(losses);
  return reduction === 'sum' ? total : div(total, count);
}

/**
 * Cross-entropy between logits [N, C] (or [N, C, d1, ...], or [C]) and int32 class targets [N] (or
 * [N, d1, ...], or []): loss_n = -log softmax(x_n)[t_n], with optional label smoothing
 * (1-ε)·loss_n + ε·mean_c(-log softmax(x_n)[c]). 'mean' divides by the number of non-ignored targets,
 * as PyTorch (NaN when every target is ignored).
 */
export function crossEntropy(logits: Tensor, target: Tensor, opts: CrossEntropyOptions = {}): Tensor {
  requireFloat(logits, 'crossEntropy');
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const eps = opts.labelSmoothing ?? 0;
  const reduction = checkReduction(opts.reduction ?? 'mean', 'crossEntropy');
  if (!(eps >= 0 && eps <= 1)) fail('InvalidArgument', `crossEntropy: expected labelSmoothing in [0, 1], got ${eps}`);
  const { rows, targets, lossShape } = flattenClasses(logits, target, 'crossEntropy');
  const [R, C] = rows.shape;
  const tData = targets.data as Int32Array;
  const count = checkTargets(tData, C, ignoreIndex, 'crossEntropy');
  const x = contiguousRaw(rows);
  const be = backendFor(x.dtype);
  const losses = emptyTensor([R], x.dtype);
  const grad = needsGrad(rows) ? emptyTensor([R, C], x.dtype) : null;
  be.crossEntropy({
    logits: x.data as FloatArray, targets: tData, rows: R, classes: C, ignoreIndex, labelSmoothing: eps,
    losses: losses.data as FloatArray, gradLogits: grad ? (grad.data as FloatArray) : null,
  });
  if (grad) {
    record(losses, 'CrossEntropyBackward', [rows], (g) => [binaryRaw('mul', grad, reshape(castRaw(g, x.dtype), [R, 1]))]);
  }
  return reduce(losses, lossShape, reduction, count);
}

export interface NllLossOptions {
  ignoreIndex?: number;
  reduction?: Reduction;
}

/**
 * Negative log-likelihood of log-probabilities [N, C] (or [N, C, d1, ...], or [C]) at int32 targets:
 * loss_n = -logProbs[n, t_n]; 'mean' divides by the number of non-ignored targets.
 */
export function nllLoss(logProbs: Tensor, target: Tensor, opts: NllLossOptions = {}): Tensor {
  requireFloat(logProbs, 'nllLoss');
  const ignoreIndex = opts.ignoreIndex ?? -100;
  const reduction = checkReduction(opts.reduction ?? 'mean', 'nllLoss');
  const { rows, targets, lossShape } = flattenClasses(logProbs, target, 'nllLoss');
  const [R, C] = rows.shape;
  const tData = targets.data as Int32Array;
  const count = checkTargets(tData, C, ignoreIndex, 'nllLoss');
  const safe = new Int32Array(R);
  const keep = emptyTensor([R], rows.dtype);
  for (let i = 0; i < R; i++) {
    const ignored = tData[i] === ignoreIndex;
    safe[i] = ignored ? 0 : tData[i];
    keep.data[i] = ignored ? 0 : 1;
  }
  const picked = squeeze(gather(rows, 1, new Tensor(safe, [R, 1], 'int32')), 1);
  return reduce(neg(mul(picked, keep)), lossShape, reduction, count);
}

/** Mean squared error (a - b)², reduced by 'mean' (default), 'sum' or 'none'; broadcasts like sub. */
export function mseLoss(a: Tensor, b: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  const reduction = checkReduction(opts.reduction ?? 'mean', 'mseLoss');
  const d = sub(a, b);
  const sq = mul(d, d);
  if (reduction === 'none') return sq;
  return reduction === 'sum' ? sum(sq) : mean(sq);
}

