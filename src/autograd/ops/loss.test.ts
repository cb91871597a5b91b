import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../../tensor/create.js';
import { Tensor } from '../../tensor/tensor.js';
import { assertClose } from '../../testing/assert.js';
import { gradcheck } from '../gradcheck.js';
import * as ops from './index.js';
import { constant, ints, leaf, leafT } from './testutil.js';

const i32 = (v: number[], shape?: number[]) => new Tensor(new Int32Array(v), shape ?? [v.length], 'int32');

test('crossEntropy: value against the definition', () => {
  const logits = tensor([[1, 2, 3], [1, 1, 1]]);
  const l0 = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3;
  const l1 = Math.log(3);
  assertClose(ops.crossEntropy(logits, i32([2, 0])), [(l0 + l1) / 2], 1e-6);
  assertClose(ops.crossEntropy(logits, i32([2, 0]), { reduction: 'sum' }), [l0 + l1], 1e-6);
  assertClose(ops.crossEntropy(logits, i32([2, 0]), { reduction: 'none' }), [l0, l1], 1e-6);
  // 'mean' divides by the number of non-ignored targets.
  assertClose(ops.crossEntropy(logits, i32([2, -100])), [l0], 1e-6);
  assertClose(ops.crossEntropy(logits, i32([2, 7]), { ignoreIndex: 7 }), [l0], 1e-6);
});

test('crossEntropy: gradients for every option and layout', () => {
  const t = i32([0, 3, -100, 2, 1]);
  gradcheck((x) => ops.crossEntropy(x, t), [leaf([5, 4], -2, 2)]);
  gradcheck((x) => ops.crossEntropy(x, t, { reduction: 'sum', labelSmoothing: 0.1 }), [leaf([5, 4], -2, 2)]);
  gradcheck((x) => ops.crossEntropy(x, t, { reduction: 'none', labelSmoothing: 0.2 }), [leaf([5, 4], -2, 2)]);
  gradcheck((x) => ops.crossEntropy(x, i32([1, 0, 2])), [leafT([3, 3], -2, 2)]);
  // [N, C, d]: class dim second.
  const t3 = ints([2, 3], 4);
  gradcheck((x) => ops.crossEntropy(x, t3, { labelSmoothing: 0.1 }), [leaf([2, 4, 3], -2, 2)]);
  gradcheck((x) => ops.crossEntropy(x, i32([2], [])), [leaf([4])]);
});

test('crossEntropy: [N, C, d] equals the flattened [N*d, C] form', () => {
  const x = constant([2, 4, 3], -2, 2);
  const t = ints([2, 3], 4);
  const a = ops.crossEntropy(x, t, { reduction: 'none' });
  const b = ops.crossEntropy(ops.reshape(ops.movedim(x, 1, -1), [-1, 4]), ops.reshape(t, [-1]), { reduction: 'none' });
  assertClose(a, ops.reshape(b, [2, 3]));
});

test('crossEntropy: errors name the problem', () => {
  const logits = tensor([[1, 2, 3]]);
  assert.throws(() => ops.crossEntropy(logits, i32([3])), /target 3 is out of range \[0, 3\)/);
  assert.throws(() => ops.crossEntropy(logits, i32([0, 1])), /expected target of shape \[1\]/);
  assert.throws(() => ops.crossEntropy(logits, tensor([0])), /expected int32 targets/);
  assert.throws(() => ops.crossEntropy(logits, i32([0]), { reduction: 'avg' as never }), /reduction/);
});

test('nllLoss equals crossEntropy of logSoftmax; gradients', () => {
  const x = constant([5, 4], -2, 2);
  const t = i32([0, 3, -100, 2, 1]);
  assertClose(ops.nllLoss(ops.logSoftmax(x, 1), t), ops.crossEntropy(x, t), 1e-9);
  gradcheck((lp) => ops.nllLoss(lp, t), [leaf([5, 4])]);
  gradcheck((lp) => ops.nllLoss(lp, t, { reduction: 'none' }), [leafT([5, 4])]);
  const t3 = ints([2, 3], 4);
  gradcheck((lp) => ops.nllLoss(lp, t3, { reduction: 'sum' }), [leaf([2, 4, 3])]);
});

test('mseLoss: value and gradients with broadcasting', () => {
  assertClose(ops.mseLoss(tensor([1, 2, 3]), tensor([1, 0, 0])), [13 / 3]);
  assertClose(ops.mseLoss(tensor([1, 2, 3]), tensor([1, 0, 0]), { reduction: 'sum' }), [13]);
  gradcheck((a, b) => ops.mseLoss(a, b), [leaf([3, 4]), leaf([4])]);
  gradcheck((a, b) => ops.mseLoss(a, b, { reduction: 'none' }), [leafT([3, 4]), leaf([3, 4])]);
});
