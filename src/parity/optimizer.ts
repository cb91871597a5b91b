/**
 * The "optimizer" parity kind. An optimizer case (`optimizer`: SGD, Adam or AdamW, with PyTorch's
 * hyper-parameter names) starts from `param0`; for each step i it sets the gradient `grad.<i>`, steps, and
 * compares the parameter with `param.<i+1>`. A `clip_grad_norm` case clips the gradients `grad_<x>` with
 * `max_norm` and `norm_type` and compares them with `clipped_<x>`, and the returned norm with `total_norm`.
 */
import { fail } from '../errors.js';
import { Adam, AdamW } from '../optim/adam.js';
import { clipGradNorm } from '../optim/clip.js';
import type { BaseHyperParams, Optimizer } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { CaseComparison, type CaseResult, FORWARD_TOL, type KindContext, type ParityCase, registerKind, skipped } from './registry.js';

/** Fields that describe the case rather than the optimizer. */
const CASE_FIELDS = new Set(['file', 'name', 'kind', 'optimizer', 'steps', 'note']);

/** PyTorch implementation switches that do not change the math. */
const NEUTRAL = new Set(['foreach', 'fused', 'capturable', 'differentiable']);

type Make = (params: Tensor[], h: Record<string, unknown>) => Optimizer<BaseHyperParams>;

const num = (h: Record<string, unknown>, k: string): number | undefined => (h[k] === undefined ? undefined : Number(h[k]));

const adamOptions = (h: Record<string, unknown>) => ({
  lr: num(h, 'lr'),
  betas: h.betas as [number, number] | undefined,
  eps: num(h, 'eps'),
  weightDecay: num(h, 'weight_decay'),
  amsgrad: h.amsgrad as boolean | undefined,
  maximize: h.maximize as boolean | undefined,
});

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Each optimizer with the PyTorch hyper-parameters it understands. */
const OPTIMIZERS: Record<string, { fields: string[]; make: Make }> = {
  SGD: {
    fields: ['lr', 'momentum', 'dampening', 'nesterov', 'weight_decay', 'maximize'],
    make: (p, h) => new SGD(p, defined({
      lr: num(h, 'lr'), momentum: num(h, 'momentum'), dampening: num(h, 'dampening'),
      nesterov: h.nesterov as boolean | undefined, weightDecay: num(h, 'weight_decay'), maximize: h.maximize as boolean | undefined,
    })),
  },
  Adam: { fields: ['lr', 'betas', 'eps', 'weight_decay', 'amsgrad', 'maximize'], make: (p, h) => new Adam(p, defined(adamOptions(h))) },
  AdamW: { fields: ['lr', 'betas', 'eps', 'weight_decay', 'amsgrad', 'maximize'], make: (p, h) => new AdamW(p, defined(adamOptions(h))) },
};

function need(ctx: KindContext, c: ParityCase, name: string): Tensor {
  const t = ctx.file?.tensors.get(name);
  if (!t) fail('InvalidFile', `parity case ${c.name}: tensor "${name}" is missing from its file`);
  return t;
}

function runOptimizer(c: ParityCase, ctx: KindContext): CaseResult {
  const spec = OPTIMIZERS[c.optimizer as string];
  if (!spec) return skipped(`optimizer ${String(c.optimizer)} is not implemented`);
  const hyper: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) {
    if (CASE_FIELDS.has(k)) continue;
    if (spec.fields.includes(k)) hyper[k] = v;
    else if (!NEUTRAL.has(k)) return skipped(`${String(c.optimizer)}: argument ${k}=${JSON.stringify(v)} is not supported`);
  }
  const tensors = ctx.file?.tensors ?? new Map<string, Tensor>();
  const steps = c.steps !== undefined ? Number(c.steps) : [...tensors.keys()].filter((k) => /^grad\.\d+$/.test(k)).length;
  const start = need(ctx, c, 'param0');
  const param = tensor(start.toTypedArray(), { shape: start.shape, requiresGrad: true });
  const optimizer = spec.make([param], hyper);
  const cmp = new CaseComparison();
  for (let i = 0; i < steps; i++) {
    const g = need(ctx, c, `grad.${i}`);
    param.grad = tensor(g.toTypedArray(), { shape: g.shape });
    optimizer.step();
    cmp.check(`param after step ${i + 1}`, param, need(ctx, c, `param.${i + 1}`), FORWARD_TOL);
  }
  return cmp.result();
}

function normTypeOf(v: unknown): number {
  if (v === undefined || v === null) return 2;
  if (typeof v === 'string' && /^[+]?inf(inity)?$/i.test(v)) return Infinity;
  const n = Number(v);
  if (Number.isNaN(n)) fail('InvalidFile', `clip_grad_norm: norm_type must be a number or "inf", got ${JSON.stringify(v)}`);
  return n;
}

function runClipGradNorm(c: ParityCase, ctx: KindContext): CaseResult {
  const tensors = ctx.file?.tensors ?? new Map<string, Tensor>();
  const names = [...tensors.keys()].filter((k) => k.startsWith('grad_')).map((k) => k.slice('grad_'.length)).sort();
  if (names.length === 0) fail('InvalidFile', `parity case ${c.name}: no grad_<name> tensors`);
  const params = names.map((n) => {
    const g = tensors.get(`grad_${n}`) as Tensor;
    const p = tensor(new Float32Array(g.size), { shape: g.shape, requiresGrad: true });
    p.grad = tensor(g.toTypedArray(), { shape: g.shape });
    return p;
  });
  if (c.max_norm === undefined) fail('InvalidFile', `parity case ${c.name}: missing field "max_norm"`);
  const total = clipGradNorm(params, Number(c.max_norm), normTypeOf(c.norm_type));
  const cmp = new CaseComparison();
  cmp.check('total_norm', tensor([total]).reshape([]), need(ctx, c, 'total_norm').reshape([]), FORWARD_TOL);
  names.forEach((n, i) => cmp.check(`clipped_${n}`, params[i].grad, need(ctx, c, `clipped_${n}`), FORWARD_TOL));
  return cmp.result();
}

registerKind('optimizer', (c, ctx) => (c.optimizer === 'clip_grad_norm' ? runClipGradNorm(c, ctx) : runOptimizer(c, ctx)));
