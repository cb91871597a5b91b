import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ones, tensor } from '../../tensor/create.js';
import { Generator } from '../../tensor/random.js';
import { assertClose } from '../../testing/assert.js';
import { gradcheck } from '../gradcheck.js';
import * as ops from './index.js';
import { leaf, leafT } from './testutil.js';

test('softmax and logSoftmax: values and gradients over any dim', () => {
  assertClose(ops.softmax(tensor([[0, Math.log(3)]]), -1), [0.25, 0.75]);
  assertClose(ops.logSoftmax(tensor([0, Math.log(3)]), 0), [Math.log(0.25), Math.log(0.75)], 1e-6);
  for (const f of [ops.softmax, ops.logSoftmax]) {
    gradcheck((x) => f(x, -1), [leaf([2, 3, 4], -2, 2)]);
    gradcheck((x) => f(x, 1), [leaf([2, 3, 4], -2, 2)]);
    gradcheck((x) => f(x, 0), [leafT([3, 4], -2, 2)]);
  }
});

test('softmax of a fully masked row is NaN, partially masked rows ignore -inf', () => {
  const out = ops.softmax(tensor([[-Infinity, 0], [-Infinity, -Infinity]]), 1).tolist() as number[][];
  assert.deepEqual(out[0], [0, 1]);
  assert.ok(Number.isNaN(out[1][0]));
});

test('layerNorm: values and gradients of input, weight and bias', () => {
  const y = ops.layerNorm(tensor([[1, 2, 3], [2, 2, 2]]), [3]);
  assertClose(y, [-1.2247356, 0, 1.2247356, 0, 0, 0], 1e-5);
  gradcheck((x, w, b) => ops.layerNorm(x, [4], w, b), [leaf([2, 3, 4]), leaf([4]), leaf([4])]);
  gradcheck((x, w, b) => ops.layerNorm(x, [3, 4], w, b, 1e-3), [leaf([2, 3, 4]), leaf([3, 4]), leaf([3, 4])]);
  gradcheck((x) => ops.layerNorm(x, [3]), [leafT([4, 3])]);
  gradcheck((x, w) => ops.layerNorm(x, [4], w, null), [leaf([3, 4]), leaf([4])]);
  assert.throws(() => ops.layerNorm(tensor([[1, 2]]), [3]), /trailing shape \[3\]/);
});

test('dropout: identity unless training, inverted scaling, gradient through the same mask', () => {
  const x = ones([1000]);
  assert.equal(ops.dropout(x, 0.5, false), x);
  assert.equal(ops.dropout(x, 0, true), x);
  const y = ops.dropout(x, 0.25, true, new Generator(3));
  const vals = Array.from(y.dense());
  assert.ok(vals.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6));
  const kept = vals.filter((v) => v !== 0).length;
  assert.ok(kept > 700 && kept < 800, `kept ${kept}`);
  assert.deepEqual(Array.from(ops.dropout(x, 1, true).dense()).every((v) => v === 0), true);
  gradcheck((t) => ops.dropout(t, 0.3, true, new Generator(7)), [leaf([20])]);
  assert.throws(() => ops.dropout(x, 1.5, true), /probability p in \[0, 1\]/);
});
