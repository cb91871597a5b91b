import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../../tensor/create.js';
import { gradcheck } from '../gradcheck.js';
import * as ops from './index.js';
import { leaf, leafT } from './testutil.js';

test('matmul: 2-D, batched, broadcast batch dims, transposed operands', () => {
  gradcheck((a, b) => ops.matmul(a, b), [leaf([3, 4]), leaf([4, 2])]);
  gradcheck((a, b) => ops.matmul(a, b), [leaf([2, 2, 3, 4]), leaf([4, 5])]);
  gradcheck((a, b) => ops.matmul(a, b), [leaf([2, 1, 3, 4]), leaf([3, 4, 2])]);
  gradcheck((a, b) => ops.matmul(a, b), [leafT([3, 4]), leafT([4, 2])]);
  gradcheck((a, b) => ops.matmul(a, ops.transpose(b, -2, -1)), [leaf([2, 3, 4]), leaf([2, 5, 4])]);
});

test('matmul: vector operands', () => {
  gradcheck((a, b) => ops.matmul(a, b), [leaf([4]), leaf([4])]);
  gradcheck((a, b) => ops.matmul(a, b), [leaf([4]), leaf([2, 4, 3])]);
  gradcheck((a, b) => ops.matmul(a, b), [leaf([2, 3, 4]), leaf([4])]);
  assert.deepEqual(ops.matmul(tensor([[1, 2], [3, 4]]), tensor([1, 1])).tolist(), [3, 7]);
  assert.throws(() => ops.matmul(tensor([[1, 2]]), tensor([[1, 2]])), /cannot be multiplied/);
});
