import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../../tensor/create.js';
import { Tensor } from '../../tensor/tensor.js';
import { assertClose } from '../../testing/assert.js';
import { gradcheck } from '../gradcheck.js';
import * as ops from './index.js';
import { leaf } from './testutil.js';

// Edges j -> i (row 0 sources, row 1 targets), with a duplicate edge and a self loop.
const edges = new Tensor(new Int32Array([0, 1, 2, 2, 3, 1, 0, 2, 1, 1, 0, 1]), [2, 6], 'int32');

test('gcnConv: symmetric normalization with self loops, by hand', () => {
  // Path 0 - 1 (both directions) on two nodes: with self loops every degree is 2, so out = mean-like sums.
  const e = new Tensor(new Int32Array([0, 1, 1, 0]), [2, 2], 'int32');
  const x = tensor([[1], [3]]);
  const out = ops.gcnConv(x, e, tensor([[1]]), tensor([0.5]));
  assertClose(out, [(1 + 3) / 2 + 0.5, (1 + 3) / 2 + 0.5]);
  const noNorm = ops.gcnConv(x, e, tensor([[1]]), null, { normalize: false });
  assertClose(noNorm, [4, 4]);
});

test('gcnConv and gatConv: gradients of features and parameters', () => {
  gradcheck((x, w, b) => ops.gcnConv(x, edges, w, b), [leaf([4, 3]), leaf([2, 3]), leaf([2])]);
  gradcheck((x, w, as, ad, b) => ops.gatConv(x, edges, w, as, ad, b, { heads: 2 }),
    [leaf([4, 3]), leaf([4, 3]), leaf([1, 2, 2]), leaf([1, 2, 2]), leaf([4])]);
  gradcheck((x, w, as, ad) => ops.gatConv(x, edges, w, as, ad, null, { heads: 2, concat: false, negativeSlope: 0.1 }),
    [leaf([4, 3]), leaf([4, 3]), leaf([1, 2, 2]), leaf([1, 2, 2])]);
});

test('gatConv: attention weights of each target sum to one', () => {
  // With h = x (identity weight, one head) and a single feature, out_i is a convex combination of neighbours.
  const x = tensor([[1], [2], [3], [4]]);
  const out = ops.gatConv(x, edges, tensor([[1]]), tensor([[[0.3]]]), tensor([[[-0.2]]]), null, { heads: 1 });
  const vals = out.tolist() as number[][];
  for (const [v] of vals) assert.ok(v >= 1 && v <= 4);
  assert.throws(() => ops.gcnConv(x, new Tensor(new Int32Array([0, 9]), [2, 1], 'int32'), tensor([[1]])), /node 9/);
});
