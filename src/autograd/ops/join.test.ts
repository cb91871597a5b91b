import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arange, tensor } from '../../tensor/create.js';
import { gradcheck } from '../gradcheck.js';
import * as ops from './index.js';
import { constant, leaf, leafT } from './testutil.js';

test('cat: values along any dim and gradients for every input', () => {
  assert.deepEqual(ops.cat([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])], 0).tolist(), [[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(ops.cat([tensor([[1], [2]]), tensor([[3, 4], [5, 6]])], -1).tolist(), [[1, 3, 4], [2, 5, 6]]);
  gradcheck((a, b) => ops.cat([a, b], 1), [leaf([2, 5, 3]), leaf([2, 2, 3])]);
  gradcheck((a, b, c) => ops.cat([a, b, c], 0), [leafT([2, 3]), leaf([1, 3]), constant([2, 3])]);
  assert.throws(() => ops.cat([tensor([[1, 2]]), tensor([[1, 2, 3]])], 0), /tensor 1 has shape \[1, 3\]/);
});

test('stack: new dim, gradients', () => {
  assert.deepEqual(ops.stack([tensor([1, 2]), tensor([3, 4])], 1).tolist(), [[1, 3], [2, 4]]);
  gradcheck((a, b) => ops.stack([a, b], 0), [leaf([2, 3]), leafT([2, 3])]);
  gradcheck((a, b) => ops.stack([a, b], -1), [leaf([2, 3]), leaf([2, 3])]);
});

test('split and chunk: views, uneven pieces, gradients', () => {
  const x = arange(10).reshape(2, 5);
  const parts = ops.split(x, 2, 1);
  assert.deepEqual(parts.map((p) => p.shape), [[2, 2], [2, 2], [2, 1]]);
  assert.equal(parts[1].data, x.data);
  assert.deepEqual(parts[2].tolist(), [[4], [9]]);
  assert.deepEqual(ops.split(x, [1, 4], 1).map((p) => p.shape[1]), [1, 4]);
  assert.throws(() => ops.split(x, [1, 3], 1), /do not add up/);
  assert.deepEqual(ops.chunk(x, 3, 1).map((p) => p.shape[1]), [2, 2, 1]);
  assert.deepEqual(ops.chunk(arange(6), 4).map((p) => p.shape[0]), [2, 2, 2]);
  gradcheck((t) => {
    const [a, b, c] = ops.split(t, [1, 2, 2], 1);
    return ops.cat([ops.mul(a, 2), ops.exp(b), c], 1);
  }, [leaf([3, 5])]);
  gradcheck((t) => ops.mul(ops.chunk(t, 2, 0)[1], ops.chunk(t, 2, 0)[0]), [leafT([4, 3])]);
});
