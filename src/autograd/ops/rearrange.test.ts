import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arange, tensor } from '../../tensor/create.js';
import { assertClose } from '../../testing/assert.js';
import { gradcheck } from '../gradcheck.js';
import * as ops from './index.js';
import { leaf, leafT } from './testutil.js';

test('flip, repeat, roll: values and gradients', () => {
  const x = arange(6).reshape(2, 3);
  assert.deepEqual(ops.flip(x, 1).tolist(), [[2, 1, 0], [5, 4, 3]]);
  assert.deepEqual(ops.flip(x, [0, 1]).tolist(), [[5, 4, 3], [2, 1, 0]]);
  assert.deepEqual(ops.repeat(tensor([[1, 2]]), 2, 2).tolist(), [[1, 2, 1, 2], [1, 2, 1, 2]]);
  assert.deepEqual(ops.repeat(tensor([1, 2]), 2, 1, 2).shape, [2, 1, 4]);
  assert.deepEqual(ops.roll(arange(5), 2, 0).tolist(), [3, 4, 0, 1, 2]);
  assert.deepEqual(ops.roll(x, -1, 1).tolist(), [[1, 2, 0], [4, 5, 3]]);
  gradcheck((t) => ops.flip(t, [0, -1]), [leafT([3, 4])]);
  gradcheck((t) => ops.repeat(t, 2, 1, 3), [leaf([2, 3])]);
  gradcheck((t) => ops.roll(t, 3, 1), [leaf([2, 5])]);
});

test('std, norm, any, all', () => {
  assertClose(ops.std(tensor([1, 2, 3, 4]), 0), [Math.sqrt(5 / 3)]);
  assertClose(ops.norm(tensor([3, -4])), [5]);
  assertClose(ops.norm(tensor([3, -4]), 1), [7]);
  assertClose(ops.norm(tensor([[3, -4]]), Infinity, 1), [4]);
  assertClose(ops.norm(tensor([1, -2]), 3), [Math.cbrt(9)], 1e-6);
  assert.deepEqual(ops.any(tensor([[0, 0], [0, 2]]), 1).tolist(), [false, true]);
  assert.deepEqual(ops.all(tensor([[1, 0], [3, 2]]), 1).tolist(), [false, true]);
  assert.equal(ops.all(tensor([true, true])).item(), 1);
  assert.equal(ops.any(tensor([0, NaN])).item(), 1);
  gradcheck((t) => ops.std(t, -1), [leaf([3, 4])]);
  gradcheck((t) => ops.norm(t), [leafT([3, 4])]);
  gradcheck((t) => ops.norm(t, 2, 1, true), [leaf([3, 4])]);
  gradcheck((t) => ops.norm(t, 1.5, 0), [leaf([3, 4])]);
  gradcheck((t) => ops.norm(t, Infinity, 1), [leaf([3, 4])]);
});
