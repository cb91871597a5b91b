import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../../tensor/create.js';
import { assertClose } from '../../testing/assert.js';
import { gradcheck } from '../gradcheck.js';
import * as ops from './index.js';
import { leaf, leafT } from './testutil.js';

test('sum and mean: gradients over dims, keepdim and all elements', () => {
  gradcheck((x) => ops.sum(x), [leaf([2, 3, 4])]);
  gradcheck((x) => ops.sum(x, 1, true), [leaf([2, 3, 4])]);
  gradcheck((x) => ops.sum(x, [0, 2]), [leaf([2, 3, 4])]);
  gradcheck((x) => ops.mean(x, -1), [leafT([3, 4])]);
  gradcheck((x) => ops.mean(x, [0, 1], true), [leaf([2, 3, 4])]);
});

test('variance: biased and unbiased', () => {
  gradcheck((x) => ops.variance(x, -1, { unbiased: false }), [leaf([3, 5])]);
  gradcheck((x) => ops.variance(x, 0), [leafT([4, 3])]);
  const v = ops.variance(tensor([1, 2, 3, 4]), 0);
  assertClose(v, [5 / 3]);
});

test('max/min values: gradient flows to the arg position', () => {
  gradcheck((x) => ops.max(x, -1).values, [leaf([3, 5])]);
  gradcheck((x) => ops.min(x, 0, true).values, [leafT([4, 3])]);
  gradcheck((x) => ops.amax(x), [leaf([7])]);
  const { values, indices } = ops.max(tensor([[1, 5, 2], [7, 0, 7]]), 1);
  assert.deepEqual(values.tolist(), [5, 7]);
  assert.deepEqual(indices.tolist(), [1, 0]);
});

test('logsumexp: value, gradient, several dims, -inf rows', () => {
  gradcheck((x) => ops.logsumexp(x, -1), [leaf([3, 5], -3, 3)]);
  gradcheck((x) => ops.logsumexp(x, [0, 2], true), [leaf([2, 3, 4], -3, 3)]);
  gradcheck((x) => ops.logsumexp(x, 0), [leafT([3, 4], -3, 3)]);
  const x = tensor([[1000, 1000], [-Infinity, -Infinity]]);
  const out = ops.logsumexp(x, 1).tolist() as number[];
  assert.ok(Math.abs(out[0] - (1000 + Math.log(2))) < 1e-3);
  assert.equal(out[1], -Infinity);
});

test('cumsum: values and gradient', () => {
  assert.deepEqual(ops.cumsum(tensor([[1, 2, 3], [4, 5, 6]]), 1).tolist(), [[1, 3, 6], [4, 9, 15]]);
  assert.deepEqual(ops.cumsum(tensor([[1, 2, 3], [4, 5, 6]]), 0).tolist(), [[1, 2, 3], [5, 7, 9]]);
  gradcheck((x) => ops.cumsum(x, 1), [leaf([2, 5, 3])]);
  gradcheck((x) => ops.cumsum(x, 0), [leafT([3, 4])]);
});

test('topk and sort: values, indices, gradient', () => {
  const x = tensor([[3, 1, 4, 1, 5], [9, 2, 6, 5, 3]]);
  const top = ops.topk(x, 2);
  assert.deepEqual(top.values.tolist(), [[5, 4], [9, 6]]);
  assert.deepEqual(top.indices.tolist(), [[4, 2], [0, 2]]);
  const low = ops.topk(x, 2, 1, false);
  assert.deepEqual(low.values.tolist(), [[1, 1], [2, 3]]);
  assert.deepEqual(low.indices.tolist(), [[1, 3], [1, 4]]);
  const s = ops.sort(tensor([[2, 0], [1, 3]]), 0, true);
  assert.deepEqual(s.values.tolist(), [[2, 3], [1, 0]]);
  assert.deepEqual(s.indices.tolist(), [[0, 1], [1, 0]]);
  assert.deepEqual(ops.sort(tensor([2, NaN, 1])).values.tolist(), [1, 2, NaN]);
  gradcheck((t) => ops.topk(t, 3, 1).values, [leaf([2, 6, 3])]);
  gradcheck((t) => ops.sort(t, 0).values, [leafT([4, 3])]);
  assert.throws(() => ops.topk(x, 6), /k = 6 is out of range/);
});

test('integer and bool inputs: sum, cumsum and topk stay integral (int32)', () => {
  const mask = tensor([[true, false, true], [true, true, true]]);
  const counts = ops.sum(mask, -1);
  assert.equal(counts.dtype, 'int32');
  assert.deepEqual(counts.tolist(), [2, 3]);
  assert.equal(ops.sum(mask).item(), 5);
  const ids = tensor(new Int32Array([1, 1, 0, 1]));
  const pos = ops.cumsum(ids, 0);
  assert.equal(pos.dtype, 'int32');
  assert.deepEqual(pos.tolist(), [1, 2, 2, 3]);
  const top = ops.topk(tensor(new Int32Array([5, 9, 2])), 2);
  assert.equal(top.values.dtype, 'int32');
  assert.deepEqual(top.values.tolist(), [9, 5]);
  assert.deepEqual((ops.mean(mask, -1).tolist() as number[]).map((v) => Math.round(v * 1000)), [667, 1000]);
});
