/**
 * The "graph" parity kind: PyTorch Geometric layers (GCNConv, GATConv) run through the functional
 * graph convolutions with the case's `input.*` and `param.*` tensors; compares `out.0` and the gradients
 * of sum(out · cotangent.0) for the input features (`grad.x`) and every parameter (`grad.param.<name>`).
 */
import { backward } from '../autograd/graph.js';
import { gatConv, gcnConv } from '../autograd/ops/index.js';
import { fail } from '../errors.js';
import { onesLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { CaseComparison, type ParityCase, registerKind, skipped } from './registry.js';

type Layer = (x: Tensor, edgeIndex: Tensor, p: (name: string) => Tensor | null, c: ParityCase) => Tensor;

function num(c: ParityCase, name: string, fallback: number): number {
  const v = c[name];
  return typeof v === 'number' ? v : fallback;
}

function flag(c: ParityCase, name: string, fallback: boolean): boolean {
  const v = c[name];
  return typeof v === 'boolean' ? v : fallback;
}

const LAYERS: Record<string, Layer> = {
  GCNConv: (x, ei, p, c) => gcnConv(x, ei, p('lin.weight') ?? fail('InvalidFile', `${c.name}: no param.lin.weight`), p('bias'), {
    addSelfLoops: flag(c, 'add_self_loops', true), normalize: flag(c, 'normalize', true),
  }),
  GATConv: (x, ei, p, c) => {
    if (num(c, 'dropout', 0) !== 0) fail('Unsupported', `${c.name}: GATConv with dropout > 0 is not deterministic`);
    const need = (n: string) => p(n) ?? fail('InvalidFile', `${c.name}: no param.${n}`);
    return gatConv(x, ei, need('lin.weight'), need('att_src'), need('att_dst'), p('bias'), {
      heads: num(c, 'heads', 1), concat: flag(c, 'concat', true), negativeSlope: num(c, 'negative_slope', 0.2),
      addSelfLoops: flag(c, 'add_self_loops', true),
    });
  },
};

registerKind('graph', (c, ctx) => {
  const layer = LAYERS[String(c.module)];
  if (!layer) return skipped(`graph layer "${String(c.module)}" is not implemented`);
  if (!ctx.file) fail('InvalidFile', `parity case ${c.name}: a graph case needs a file`);
  const tensors = ctx.file.tensors;
  const x = tensors.get('input.x') ?? fail('InvalidFile', `${c.name}: no input.x`);
  const edgeIndex = tensors.get('input.edge_index') ?? fail('InvalidFile', `${c.name}: no input.edge_index`);
  const params = new Map<string, Tensor>();
  for (const [k, v] of tensors) if (k.startsWith('param.')) params.set(k.slice(6), v);
  for (const t of [x, ...params.values()]) t.requiresGrad = true;
  const out = layer(x, edgeIndex, (n) => params.get(n) ?? null, c);
  const check = new CaseComparison();
  const expected = tensors.get('out.0') ?? fail('InvalidFile', `${c.name}: no out.0`);
  if (!check.check('out.0', out, expected)) return check.result();
  const cot = tensors.get('cotangent.0');
  backward(out, cot ?? onesLike(out));
  const gx = tensors.get('grad.x');
  if (gx) check.checkGrad('grad.x', x.grad, gx);
  for (const [name, p] of params) {
    const g = tensors.get(`grad.param.${name}`);
    if (g) check.checkGrad(`grad.param.${name}`, p.grad, g);
  }
  return check.result();
});
