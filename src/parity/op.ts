/**
 * The "op" parity kind: runs one op from its case description (`op`, `args` and the op's arguments),
 * compares `out` (forward tolerance) and, for every float argument with a stored `grad_<arg>`, the
 * gradient of sum(out · cotangent) (of the output itself when the file has no cotangent).
 */
import { backward } from '../autograd/graph.js';
import * as ops from '../autograd/ops/index.js';
import type { SliceSpec } from '../autograd/ops/shape.js';
import { fail } from '../errors.js';
import { isFloat } from '../tensor/dtype.js';
import { onesLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { CaseComparison, type CaseResult, type ParityCase, registerKind, skipped } from './registry.js';

type OpFn = (args: Tensor[], c: ParityCase) => Tensor;

function field<T>(c: ParityCase, name: string, fallback?: T): T {
  const v = c[name];
  if (v === undefined || v === null) {
    if (fallback === undefined) fail('InvalidFile', `parity case ${c.name}: missing field "${name}"`);
    return fallback;
  }
  return v as T;
}

function optional<T>(c: ParityCase, name: string): T | undefined {
  const v = c[name];
  return v === undefined || v === null ? undefined : (v as T);
}

type DimField = number | number[] | undefined;
const dims = (c: ParityCase): DimField => optional<number | number[]>(c, 'dim');

function reduceValues(op: 'max' | 'min', [x]: Tensor[], c: ParityCase): Tensor {
  const dim = optional<number>(c, 'dim');
  if (dim === undefined) return op === 'max' ? ops.amax(x) : ops.neg(ops.amax(ops.neg(x)));
  const r = op === 'max' ? ops.max(x, dim, field(c, 'keepdim', false)) : ops.min(x, dim, field(c, 'keepdim', false));
  return r.values;
}

function unbiasedOf(c: ParityCase): boolean {
  const correction = optional<number>(c, 'correction');
  if (correction !== undefined) {
    if (correction !== 0 && correction !== 1) fail('Unsupported', `var: correction ${correction} (only 0 or 1)`);
    return correction === 1;
  }
  return field(c, 'unbiased', true);
}

/** Every op a case can name, driven only by the case's fields. */
const OPS: Record<string, OpFn> = {
  add: ([a, b]) => ops.add(a, b),
  sub: ([a, b]) => ops.sub(a, b),
  mul: ([a, b]) => ops.mul(a, b),
  div: ([a, b]) => ops.div(a, b),
  div_abs_plus_half: ([a, b]) => ops.div(a, ops.add(ops.abs(b), 0.5)),
  matmul: ([a, b]) => ops.matmul(a, b),
  maximum: ([a, b]) => ops.maximum(a, b),
  minimum: ([a, b]) => ops.minimum(a, b),
  softmax: ([x], c) => ops.softmax(x, field(c, 'dim', -1)),
  log_softmax: ([x], c) => ops.logSoftmax(x, field(c, 'dim', -1)),
  logsumexp: ([x], c) => ops.logsumexp(x, dims(c), field(c, 'keepdim', false)),
  gelu: ([x], c) => ops.gelu(x, field<'none' | 'tanh'>(c, 'approximate', 'none')),
  relu: ([x]) => ops.relu(x),
  tanh: ([x]) => ops.tanh(x),
  sigmoid: ([x]) => ops.sigmoid(x),
  silu: ([x]) => ops.silu(x),
  exp: ([x]) => ops.exp(x),
  neg: ([x]) => ops.neg(x),
  abs: ([x]) => ops.abs(x),
  log: ([x]) => ops.log(x),
  sqrt: ([x]) => ops.sqrt(x),
  log_abs_plus_one: ([x]) => ops.log(ops.add(ops.abs(x), 1)),
  sqrt_abs_plus_one: ([x]) => ops.sqrt(ops.add(ops.abs(x), 1)),
  pow_abs: ([x], c) => ops.pow(ops.abs(x), field<number>(c, 'exponent')),
  pow: ([a, b], c) => (b ? ops.pow(a, b) : ops.pow(a, field<number>(c, 'exponent'))),
  clamp: ([x], c) => ops.clamp(x, optional<number>(c, 'min'), optional<number>(c, 'max')),
  sum: ([x], c) => ops.sum(x, dims(c), field(c, 'keepdim', false)),
  mean: ([x], c) => ops.mean(x, dims(c), field(c, 'keepdim', false)),
  var: ([x], c) => ops.variance(x, dims(c), { unbiased: unbiasedOf(c), keepdim: field(c, 'keepdim', false) }),
  max: (a, c) => reduceValues('max', a, c),
  min: (a, c) => reduceValues('min', a, c),
  transpose: ([x], c) => ops.contiguous(ops.transpose(x, field(c, 'dim0'), field(c, 'dim1'))),
  permute: ([x], c) => ops.contiguous(ops.permute(x, field<number[]>(c, 'dims'))),
  reshape: ([x], c) => ops.reshape(x, field<number[]>(c, 'shape')),
  view: ([x], c) => ops.view(x, field<number[]>(c, 'shape')),
  slice: ([x], c) => ops.slice(x, ...field<(number | [number | null, number | null, number | null] | null)[]>(c, 'ranges')
    .map((r): SliceSpec => (r === null || typeof r === 'number' ? r : [r[0], r[1], r[2]]))),
  cumsum: ([x], c) => ops.cumsum(x, field(c, 'dim')),
  cat: (args, c) => ops.cat(args, field(c, 'dim', 0)),
  stack: (args, c) => ops.stack(args, field(c, 'dim', 0)),
  masked_fill: ([x, mask], c) => ops.maskedFill(x, mask, field<number>(c, 'value')),
  masked_fill_softmax: ([x, mask], c) => ops.softmax(ops.maskedFill(x, mask, -Infinity), field(c, 'dim', -1)),
  where: ([cond, a, b]) => ops.where(cond, a, b),
  gather: ([x, index], c) => ops.gather(x, field(c, 'dim'), index),
  index_select: ([x, index], c) => ops.indexSelect(x, field(c, 'dim'), index),
  tril: ([x], c) => ops.tril(x, field(c, 'diagonal', 0)),
  triu: ([x], c) => ops.triu(x, field(c, 'diagonal', 0)),
  topk: ([x], c) => ops.topk(x, field(c, 'k'), field(c, 'dim', -1), field(c, 'largest', true)).values,
  layer_norm: ([x, weight, bias], c) => ops.layerNorm(x, optional<number[]>(c, 'normalized_shape') ?? weight?.shape ?? fail('InvalidFile',
    `parity case ${c.name}: layer_norm needs normalized_shape or a weight`), weight ?? null, bias ?? null, field(c, 'eps', 1e-5)),
  embedding: ([ids, weight], c) => ops.embedding(ids, weight, optional<number>(c, 'padding_idx')),
  cross_entropy: ([logits, target], c) => ops.crossEntropy(logits, target, {
    ignoreIndex: field(c, 'ignore_index', -100),
    labelSmoothing: field(c, 'label_smoothing', 0),
    reduction: field(c, 'reduction', 'mean'),
  }),
  nll_loss: ([logProbs, target], c) => ops.nllLoss(logProbs, target, {
    ignoreIndex: field(c, 'ignore_index', -100),
    reduction: field(c, 'reduction', 'mean'),
  }),
  mse_loss: ([a, b], c) => ops.mseLoss(a, b, { reduction: field(c, 'reduction', 'mean') }),
  scaled_dot_product_attention: ([q, k, v, attnMask], c) => ops.scaledDotProductAttention(q, k, v, {
    attnMask: attnMask ?? null,
    isCausal: field(c, 'is_causal', false),
    scale: optional<number>(c, 'scale'),
  }),
};

/** Names of the ops the op kind implements. */
export const PARITY_OPS = Object.keys(OPS);

function runOp(c: ParityCase, tensors: Map<string, Tensor>): CaseResult {
  const opName = field<string>(c, 'op');
  const fn = OPS[opName];
  if (!fn) return skipped(`op "${opName}" is not implemented by the parity runner`);
  const argNames = field<string[]>(c, 'args');
  const args = argNames.map((name) => {
    const t = tensors.get(name);
    if (!t) fail('InvalidFile', `parity case ${c.name}: argument "${name}" is not in ${c.file}`);
    if (isFloat(t.dtype)) t.requiresGrad = true;
    t.grad = null;
    return t;
  });
  const check = new CaseComparison();
  const expected = tensors.get('out');
  if (!expected) fail('InvalidFile', `parity case ${c.name}: no "out" tensor in ${c.file}`);
  const out = fn(args, c);
  if (!check.check('out', out, expected)) return check.result();
  const gradNames = argNames.filter((n) => tensors.has(`grad_${n}`));
  if (gradNames.length === 0) return check.result();
  if (!out.requiresGrad) {
    check.fail(`out does not depend differentiably on ${gradNames.join(', ')}`);
    return check.result();
  }
  const cotangent = tensors.get('cotangent');
  backward(out, cotangent ?? (out.size === 1 ? undefined : onesLike(out)));
  for (const name of gradNames) {
    const arg = args[argNames.indexOf(name)];
    check.checkGrad(`grad_${name}`, arg.grad, tensors.get(`grad_${name}`)!);
  }
  return check.result();
}

registerKind('op', (c, ctx) => {
  if (!ctx.file) fail('InvalidFile', `parity case ${c.name}: an op case needs a file`);
  return runOp(c, ctx.file.tensors);
});
