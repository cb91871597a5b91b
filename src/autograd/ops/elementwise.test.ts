import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../../tensor/create.js';
import { gradcheck } from '../gradcheck.js';
import * as ops from './index.js';
import { constant, leaf, leafT } from './testutil.js';

test('binary ops: gradients with broadcasting', () => {
  for (const op of [ops.add, ops.sub, ops.mul, ops.maximum, ops.minimum] as const) {
    gradcheck((a, b) => op(a, b), [leaf([2, 3, 4]), leaf([3, 1])]);
    gradcheck((a, b) => op(a, b), [leaf([4]), leafT([3, 4])]);
  }
  gradcheck((a, b) => ops.div(a, b), [leaf([2, 3, 4]), leaf([4], 0.5, 2)]);
  gradcheck((a, b) => ops.div(a, b), [leafT([3, 4]), leaf([3, 1], -2, -0.5)]);
  gradcheck((a, b) => ops.pow(a, b), [leaf([2, 3], 0.5, 2), leaf([3], -1, 2)]);
});

test('binary ops with a scalar or a constant operand', () => {
  gradcheck((a) => ops.add(ops.mul(a, 3), 1), [leaf([5])]);
  gradcheck((a) => ops.sub(ops.div(a, 4), 2), [leafT([2, 3])]);
  gradcheck((a, c) => ops.mul(a, c), [leaf([2, 3]), constant([2, 3])]);
  gradcheck((a) => ops.pow(a, 2.5), [leaf([6], 0.5, 2)]);
  gradcheck((a) => ops.pow(a, 3), [leaf([6])]);
  gradcheck((a) => ops.pow(a, 0), [leaf([3])]);
});

test('unary ops: gradients, including non-contiguous inputs', () => {
  const smooth = [ops.exp, ops.tanh, ops.sigmoid, ops.silu, ops.neg, ops.square, ops.sin, ops.cos, ops.erf, ops.expm1,
    (x: Parameters<typeof ops.exp>[0]) => ops.gelu(x), (x: Parameters<typeof ops.exp>[0]) => ops.gelu(x, 'tanh')];
  for (const f of smooth) {
    gradcheck((x) => f(x), [leaf([3, 4], -2, 2)]);
    gradcheck((x) => f(x), [leafT([3, 4], -2, 2)]);
  }
  for (const f of [ops.log, ops.sqrt, ops.rsqrt, ops.reciprocal, ops.log1p]) {
    gradcheck((x) => f(x), [leafT([3, 4], 0.5, 3)]);
  }
  gradcheck((x) => ops.abs(x), [leaf([10])]);
  gradcheck((x) => ops.relu(x), [leaf([10])]);
  gradcheck((x) => ops.clamp(x, -0.5, 0.5), [leaf([10])]);
  gradcheck((x) => ops.clamp(x, null, 0.2), [leafT([3, 4])]);
});

test('a sliced view as op input', () => {
  gradcheck((x) => ops.exp(ops.slice(x, [1, 3], [null, null, 2])), [leaf([4, 6])]);
});

test('dtype conversions carry the gradient between float types', () => {
  gradcheck((x) => ops.toDtype(ops.toDtype(x, 'float32'), 'float64').mul(2), [leaf([4])], { eps: 1e-2, atol: 1e-3 });
});

test('mixed int and float operands promote to float', () => {
  const i = tensor(new Int32Array([1, 2, 3]));
  const f = tensor([0.5, 0.5, 0.5]);
  assert.deepEqual(ops.add(i, f).tolist(), [1.5, 2.5, 3.5]);
  assert.deepEqual(ops.div(i, 2).tolist(), [0.5, 1, 1.5]);
  assert.deepEqual(ops.mul(f, i).dtype, 'float32');
});

test('float64 erf and gelu are precise to double rounding', () => {
  // erf(0.5), erf(1), erf(3) to 16 digits.
  const e = ops.erf(tensor([0.5, 1, 3, -1], { dtype: 'float64' })).tolist() as number[];
  const want = [0.5204998778130465, 0.8427007929497149, 0.9999779095030014, -0.8427007929497149];
  e.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-14, `erf: ${v} vs ${want[i]}`));
  const g = ops.gelu(tensor([1], { dtype: 'float64' })).item();
  assert.ok(Math.abs(g - 0.8413447460685429) < 1e-14);
  gradcheck((x) => ops.gelu(x), [leaf([20], -4, 4)], { atol: 1e-8, rtol: 1e-6 });
});

test('conversion to bool is "nonzero", as PyTorch', () => {
  assert.deepEqual(ops.toDtype(tensor([0, 0.5, 2, -1, NaN]), 'bool').tolist(), [false, true, true, true, true]);
  assert.deepEqual(ops.toDtype(tensor(new Int32Array([0, 3])), 'bool').tolist(), [false, true]);
  assert.deepEqual(ops.toDtype(tensor([1.7, -1.7]), 'int32').tolist(), [1, -1]);
});
