/**
 * The "graph" parity kind: PyTorch Geometric layers (GCNConv, GATConv) built as lmkit modules from the
 * case's arguments, loaded with its `param.*` tensors by PyG's parameter names, and run on `input.x` and
 * `input.edge_index`; compares `out.0` and the gradients of sum(out · cotangent.0) for the input features
 * (`grad.x`) and every parameter (`grad.param.<name>`).
 */
import { backward } from '../autograd/graph.js';
import { fail } from '../errors.js';
import { GATConv, GCNConv } from '../nn/graph/index.js';
import type { MessagePassing } from '../nn/graph/index.js';
import { onesLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { CaseComparison, type ParityCase, registerKind, skipped } from './registry.js';

function num(c: ParityCase, name: string, fallback: number): number {
  const v = c[name];
  return typeof v === 'number' ? v : fallback;
}

function flag(c: ParityCase, name: string, fallback: boolean): boolean {
  const v = c[name];
  return typeof v === 'boolean' ? v : fallback;
}

type Build = (c: ParityCase, dtype: 'float32' | 'float64', bias: boolean) => MessagePassing;

const LAYERS: Record<string, Build> = {
  GCNConv: (c, dtype, bias) => new GCNConv(num(c, 'in_channels', 0), num(c, 'out_channels', 0), {
    dtype, bias, improved: flag(c, 'improved', false), addSelfLoops: flag(c, 'add_self_loops', true), normalize: flag(c, 'normalize', true),
  }),
  GATConv: (c, dtype, bias) => {
    if (num(c, 'dropout', 0) !== 0) fail('Unsupported', `${c.name}: GATConv with dropout > 0 is not deterministic`);
    return new GATConv(num(c, 'in_channels', 0), num(c, 'out_channels', 0), {
      dtype, bias, heads: num(c, 'heads', 1), concat: flag(c, 'concat', true), negativeSlope: num(c, 'negative_slope', 0.2),
      addSelfLoops: flag(c, 'add_self_loops', true),
    });
  },
};

registerKind('graph', (c, ctx) => {
  const build = LAYERS[String(c.module)];
  if (!build) return skipped(`graph layer "${String(c.module)}" is not implemented`);
  if (!ctx.file) fail('InvalidFile', `parity case ${c.name}: a graph case needs a file`);
  const tensors = ctx.file.tensors;
  const x = tensors.get('input.x') ?? fail('InvalidFile', `${c.name}: no input.x`);
  const edgeIndex = tensors.get('input.edge_index') ?? fail('InvalidFile', `${c.name}: no input.edge_index`);
  const params = new Map<string, Tensor>();
  for (const [k, v] of tensors) if (k.startsWith('param.')) params.set(k.slice(6), v);
  const layer = build(c, x.dtype === 'float64' ? 'float64' : 'float32', params.has('bias'));
  layer.loadStateDict(params);
  x.requiresGrad = true;
  const out = layer.forward(x, edgeIndex) as Tensor;
  const check = new CaseComparison();
  const expected = tensors.get('out.0') ?? fail('InvalidFile', `${c.name}: no out.0`);
  if (!check.check('out.0', out, expected)) return check.result();
  backward(out, tensors.get('cotangent.0') ?? onesLike(out));
  const gx = tensors.get('grad.x');
  if (gx) check.checkGrad('grad.x', x.grad, gx);
  for (const [name, p] of layer.namedParameters()) {
    const g = tensors.get(`grad.param.${name}`);
    if (g) check.checkGrad(`grad.param.${name}`, p.grad, g);
  }
  return check.result();
});
