import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradcheck } from '../../autograd/gradcheck.js';
import * as ops from '../../autograd/ops/index.js';
import { leaf, reseed } from '../../autograd/ops/testutil.js';
import { LmkitError } from '../../errors.js';
import { tensor } from '../../tensor/create.js';
import { Tensor } from '../../tensor/tensor.js';
import { assertClose } from '../../testing/assert.js';
import { Identity } from '../activation.js';
import { Sequential } from '../containers.js';
import { Linear } from '../linear.js';
import type { Module } from '../module.js';
import { GATConv, GCNConv, GINConv, globalAddPool, globalMaxPool, globalMeanPool, SAGEConv } from './index.js';

const ei = (src: number[], dst: number[]): Tensor => ops.edgeIndexOf(src, dst);
const ids = (a: number[]): Tensor => new Tensor(Int32Array.from(a), [a.length], 'int32');
const close = (a: Tensor, want: number[] | number[][]): void => assertClose(a, (want as number[][]).flat());
const f64 = { dtype: 'float64' as const };

// Edges j -> i (row 0 sources, row 1 targets), with a duplicate edge and a self loop.
const edges = ei([0, 1, 2, 2, 3, 1], [0, 2, 1, 1, 0, 1]);

// A 4-node graph: node 1 hears from 0, 2 and 3; node 0 from 1; node 2 from 3; node 3 from nobody.
const g4 = ei([0, 2, 3, 1, 3], [1, 1, 1, 0, 2]);
const x4 = [[1, -1], [2, 5], [3, 0], [4, -2]];

function setWeights(m: Module, values: Record<string, number[][] | number[]>): void {
  const sd = m.stateDict();
  for (const [k, v] of Object.entries(values)) sd.get(k)!.data.set((v as number[][]).flat());
}

test('scatter: sum, mean and max into groups, empty groups 0', () => {
  const src = tensor([[1, 5], [3, -1], [2, 2], [7, 0]]);
  const idx = ids([0, 2, 0, 2]);
  close(ops.scatter(src, idx, 4, 'sum'), [[3, 7], [0, 0], [10, -1], [0, 0]]);
  close(ops.scatter(src, idx, 4, 'mean'), [[1.5, 3.5], [0, 0], [5, -0.5], [0, 0]]);
  close(ops.scatter(src, idx, 4, 'max'), [[2, 5], [0, 0], [7, 0], [0, 0]]);
  assert.throws(() => ops.scatter(src, ids([0, 1, 4, 0]), 4), /index 4 is out of range \[0, 4\)/);
  assert.throws(() => ops.scatter(src, ids([0, 1]), 4), /expected an index of shape \[4\]/);
});

test('scatter: gradients of sum, mean and max (ties share the gradient)', () => {
  reseed(7);
  const idx = ids([1, 0, 1, 3, 1]);
  for (const reduce of ['sum', 'mean', 'max'] as const) gradcheck((s) => ops.scatter(s, idx, 4, reduce), [leaf([5, 3])]);
  const tied = new Tensor(Float64Array.of(2, 2, 1), [3], 'float64');
  tied.requiresGrad = true;
  ops.scatter(tied, ids([0, 0, 0]), 1, 'max').backward(tensor([6], f64));
  close(tied.grad!, [3, 3, 0]);
});

test('edge utilities: self loops, degree, toUndirected, gcnNorm by hand', () => {
  const e = ei([0, 1, 1], [1, 1, 2]);
  const w = tensor([5, 7, 9]);
  const rem = ops.addRemainingSelfLoops(e, { numNodes: 3, edgeWeight: w, fillValue: 2 });
  assert.deepEqual(rem.edgeIndex.tolist(), [[0, 1, 0, 1, 2], [1, 2, 0, 1, 2]]);
  close(rem.edgeWeight!, [5, 9, 2, 7, 2]); // node 1 keeps its own loop weight
  assert.deepEqual(ops.addSelfLoops(e).edgeIndex.tolist(), [[0, 1, 1, 0, 1, 2], [1, 1, 2, 0, 1, 2]]);
  assert.deepEqual(ops.removeSelfLoops(e).edgeIndex.tolist(), [[0, 1], [1, 2]]);
  close(ops.degree(ids([2, 0, 2, 2]), 4), [1, 0, 3, 0]);
  assert.deepEqual(ops.toUndirected(ei([2, 0, 1], [0, 1, 0])).tolist(), [[0, 0, 1, 2], [1, 2, 0, 0]]);
  // Path 0 - 1 both ways plus self loops: every degree is 2, every weight 1/2.
  const n = ops.gcnNorm(ei([0, 1], [1, 0]));
  close(n.edgeWeight, [0.5, 0.5, 0.5, 0.5]);
  // Without self loops, node 0 (no incoming edge) has degree 0 and its outgoing edge weighs 0.
  close(ops.gcnNorm(ei([0], [1]), { addSelfLoops: false }).edgeWeight, [0]);
  gradcheck((ew) => ops.gcnNorm(edges, { edgeWeight: ew, numNodes: 4 }).edgeWeight, [leaf([6], 0.5, 2)]);
});

test('GCNConv: by hand, PyG parameter names, and without normalization no self loops', () => {
  const conv = new GCNConv(1, 1);
  assert.deepEqual([...conv.stateDict().keys()], ['bias', 'lin.weight']);
  setWeights(conv, { 'lin.weight': [[1]], bias: [0.5] });
  const x = tensor([[1], [3]]);
  close(conv.forward(x, ei([0, 1], [1, 0])), [[2.5], [2.5]]);
  const raw = new GCNConv(1, 1, { normalize: false, bias: false });
  setWeights(raw, { 'lin.weight': [[1]] });
  close(raw.forward(x, ei([0, 1], [1, 0]), tensor([2, 1])), [[3], [2]]);
  const improved = new GCNConv(1, 1, { improved: true, bias: false });
  setWeights(improved, { 'lin.weight': [[1]] });
  // Â = A + 2I, degrees 3: out_0 = (2·1 + 3)/3.
  close(improved.forward(x, ei([0, 1], [1, 0])), [[5 / 3], [7 / 3]]);
});

test('GCNConv: cached reuses the first normalization', () => {
  const conv = new GCNConv(2, 2, { cached: true });
  const x = tensor([[1, 2], [3, 4]]);
  const a = conv.forward(x, ei([0, 1], [1, 0]));
  close(conv.forward(x, ei([0], [1])), a.tolist() as number[][]);
});

test('SAGEConv: mean, max and sum aggregation on a 4-node graph by hand', () => {
  const x = tensor(x4);
  const expectAggr = {
    mean: [[2, 5], [8 / 3, -1], [4, -2], [0, 0]],
    max: [[2, 5], [4, 0], [4, -2], [0, 0]],
    sum: [[2, 5], [8, -3], [4, -2], [0, 0]],
  };
  for (const aggr of ['mean', 'max', 'sum'] as const) {
    const conv = new SAGEConv(2, 2, { aggr });
    assert.deepEqual([...conv.stateDict().keys()], ['lin_l.weight', 'lin_l.bias', 'lin_r.weight']);
    setWeights(conv, { 'lin_l.weight': [[1, 0], [0, 1]], 'lin_l.bias': [0, 0], 'lin_r.weight': [[2, 0], [0, 2]] });
    const want = expectAggr[aggr].map((row, i) => row.map((v, k) => v + 2 * x4[i][k]));
    close(conv.forward(x, g4), want);
  }
  const normed = new SAGEConv(2, 2, { rootWeight: false, normalize: true, bias: false });
  assert.deepEqual([...normed.stateDict().keys()], ['lin_l.weight']);
  setWeights(normed, { 'lin_l.weight': [[1, 0], [0, 1]] });
  const s = Math.sqrt(29);
  close(normed.forward(x, g4), [[2 / s, 5 / s], [8 / 3 / Math.sqrt(64 / 9 + 1), -1 / Math.sqrt(64 / 9 + 1)], [4 / Math.sqrt(20), -2 / Math.sqrt(20)], [0, 0]]);
});

test('SAGEConv: transforming before aggregating (sum, mean) gives the same values and gradients', () => {
  reseed(5);
  for (const aggr of ['mean', 'sum', 'max'] as const) {
    const conv = new SAGEConv(5, 2, { ...f64, aggr });
    const x = leaf([4, 5]);
    const direct = ops.add(conv.lin_l.forward(ops.scatter(ops.indexSelect(x, 0, ids([0, 2, 3, 1, 3])), ids([1, 1, 1, 0, 2]), 4, aggr)), conv.lin_r!.forward(x));
    close(conv.forward(x, g4), direct.tolist() as number[][]);
    gradcheck((v, ...params) => { void params; return conv.forward(v, g4); }, [x, ...conv.parameters()]);
  }
});

test('GINConv: (1 + eps) x_i + sum of neighbours through nn, eps as parameter or buffer', () => {
  const gin = new GINConv(new Identity(), { eps: 0.5 });
  close(gin.forward(tensor(x4), g4), [[3.5, 3.5], [11, 4.5], [8.5, -2], [6, -3]]);
  assert.deepEqual([...gin.stateDict().keys()], ['eps']);
  assert.equal(gin.parameters().length, 0);
  const trained = new GINConv(new Sequential(new Linear(2, 3), new Linear(3, 1)), { trainEps: true });
  assert.deepEqual(trained.namedParameters().map(([k]) => k).sort(), ['eps', 'nn.0.bias', 'nn.0.weight', 'nn.1.bias', 'nn.1.weight']);
});

test('GATConv: attention weights of each target sum to one', () => {
  const conv = new GATConv(1, 1, { bias: false });
  assert.deepEqual([...conv.stateDict().keys()].sort(), ['att_dst', 'att_src', 'lin.weight']);
  setWeights(conv, { 'lin.weight': [[1]], att_src: [0.3], att_dst: [-0.2] });
  for (const [v] of conv.forward(tensor([[1], [2], [3], [4]]), edges).tolist() as number[][]) assert.ok(v >= 1 && v <= 4);
  const mean = new GATConv(3, 2, { heads: 4, concat: false });
  assert.deepEqual(mean.forward(tensor([[1, 2, 3], [4, 5, 6]]), ei([0], [1])).shape, [2, 2]);
  assert.deepEqual(mean.bias!.shape, [2]);
});

test('every layer: gradients of features and parameters in float64', () => {
  reseed(11);
  const layers: Module[] = [
    new GCNConv(3, 2, f64),
    new GATConv(3, 2, { ...f64, heads: 2 }),
    new GATConv(3, 2, { ...f64, heads: 2, concat: false, negativeSlope: 0.1 }),
    new SAGEConv(3, 2, { ...f64, aggr: 'mean' }),
    new SAGEConv(3, 2, { ...f64, aggr: 'max', normalize: true }),
    new SAGEConv(3, 2, { ...f64, aggr: 'sum', rootWeight: false }),
    new GINConv(new Sequential(new Linear(3, 4, f64), new Linear(4, 2, f64)), { eps: 0.1, trainEps: true }),
  ];
  for (const layer of layers) {
    gradcheck((x, ...params) => { void params; return layer.forward(x, edges); }, [leaf([4, 3]), ...layer.parameters()]);
  }
  const gcn = new GCNConv(3, 2, f64);
  gradcheck((x, w) => gcn.forward(x, edges, w), [leaf([4, 3]), leaf([6], 0.5, 2)]);
});

test('global pooling by a batch vector', () => {
  const x = tensor([[1, 2], [3, -4], [5, 6]]);
  const batch = ids([0, 0, 1]);
  close(globalAddPool(x, batch), [[4, -2], [5, 6]]);
  close(globalMeanPool(x, batch), [[2, -1], [5, 6]]);
  close(globalMaxPool(x, batch), [[3, 2], [5, 6]]);
  close(globalMeanPool(x, batch, 3), [[2, -1], [5, 6], [0, 0]]);
  close(globalMaxPool(x), [[5, 6]]);
  close(globalAddPool(x, null), [[9, 4]]);
  reseed(3);
  gradcheck((v) => globalMeanPool(v, batch), [leaf([3, 2])]);
  assert.throws(() => globalAddPool(x, ids([0, 1])), /expected an index of shape \[3\]/);
});

test('bad edge indices give clear errors', () => {
  const x = tensor([[1], [2], [3]]);
  const layers = [new GCNConv(1, 1), new GATConv(1, 1), new SAGEConv(1, 1), new GINConv(new Identity())];
  const cases: [Tensor, string, RegExp][] = [
    [ei([0, 1], [1, 3]), 'IndexOutOfRange', /node 3 in the edge index \(target of edge 1\) is out of range \[0, 3\)/],
    [ei([-1], [0]), 'IndexOutOfRange', /node -1/],
    [new Tensor(new Int32Array(6), [3, 2], 'int32'), 'ShapeMismatch', /expected an edge index of shape \[2, E\], got \[3, 2\]/],
    [new Tensor(new Int32Array(4), [4], 'int32'), 'ShapeMismatch', /shape \[2, E\], got \[4\]/],
    [tensor([[0, 1], [1, 0]]), 'DTypeMismatch', /expected an int32 edge index, got float32/],
  ];
  for (const layer of layers) {
    for (const [bad, code, msg] of cases) {
      assert.throws(() => layer.forward(x, bad), (e: unknown) => e instanceof LmkitError && e.code === code && msg.test(e.message) && e.message.startsWith(layer.constructor.name),
        `${layer.constructor.name} ${code}`);
    }
  }
});
