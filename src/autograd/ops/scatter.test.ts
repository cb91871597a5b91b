import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor, zeros } from '../../tensor/create.js';
import { Tensor } from '../../tensor/tensor.js';
import { gradcheck } from '../gradcheck.js';
import * as ops from './index.js';
import { leaf, leafT } from './testutil.js';

const i32 = (v: number[], shape?: number[]) => new Tensor(new Int32Array(v), shape ?? [v.length], 'int32');

test('scatterAdd: accumulates into positions, gradients for input and src', () => {
  const out = ops.scatterAdd(zeros([3]), 0, i32([0, 2, 0]), tensor([1, 2, 3]));
  assert.deepEqual(out.tolist(), [4, 0, 2]);
  const out2 = ops.scatterAdd(zeros([2, 3]), 1, i32([2, 2, 0, 1], [2, 2]), tensor([[1, 2], [3, 4]]));
  assert.deepEqual(out2.tolist(), [[0, 0, 3], [3, 4, 0]]);
  const idx = i32([0, 3, 3, 1, 0, 2], [3, 2]);
  gradcheck((x, s) => ops.scatterAdd(x, 0, idx, s), [leaf([4, 2]), leaf([3, 2])]);
  assert.throws(() => ops.scatterAdd(zeros([3]), 0, i32([3]), tensor([1])), /index 3 is out of range/);
});

test('indexAdd: rows added at 1-D indices along any dim, gradients', () => {
  const out = ops.indexAdd(zeros([3, 2]), 0, i32([2, 0, 2]), tensor([[1, 1], [2, 2], [3, 3]]));
  assert.deepEqual(out.tolist(), [[2, 2], [0, 0], [4, 4]]);
  const out1 = ops.indexAdd(tensor([[1, 1, 1]]), 1, i32([1]), tensor([[5]]));
  assert.deepEqual(out1.tolist(), [[1, 6, 1]]);
  const idx = i32([1, 1, 0, 3]);
  gradcheck((x, s) => ops.indexAdd(x, 0, idx, s), [leaf([4, 3]), leaf([4, 3])]);
  gradcheck((x, s) => ops.indexAdd(x, 1, i32([2, 0]), s), [leafT([3, 4]), leaf([3, 2])]);
  assert.throws(() => ops.indexAdd(zeros([3, 2]), 0, i32([0]), zeros([1, 3])), /expected source of shape \[1, 2\]/);
});

test('activations: leakyRelu, elu, softplus, logSigmoid', () => {
  assert.deepEqual((ops.leakyRelu(tensor([-2, 3]), 0.1).tolist() as number[]).map((v) => Math.round(v * 100) / 100), [-0.2, 3]);
  assert.ok(Math.abs((ops.elu(tensor([-1])).item()) - (Math.exp(-1) - 1)) < 1e-6);
  const sp = ops.softplus(tensor([0, 30, -30], { dtype: 'float64' })).tolist() as number[];
  assert.ok(Math.abs(sp[0] - Math.log(2)) < 1e-12 && sp[1] === 30 && Math.abs(sp[2] - Math.exp(-30)) < 1e-20);
  const ls = ops.logSigmoid(tensor([-100, 0], { dtype: 'float64' })).tolist() as number[];
  assert.ok(Math.abs(ls[0] + 100) < 1e-9 && Math.abs(ls[1] + Math.log(2)) < 1e-12);
  gradcheck((x) => ops.leakyRelu(x, 0.2), [leaf([10])]);
  gradcheck((x) => ops.elu(x, 1.5), [leafT([3, 4])]);
  gradcheck((x) => ops.softplus(x, 2), [leaf([10], -3, 3)]);
  gradcheck((x) => ops.logSigmoid(x), [leaf([10], -5, 5)]);
});
