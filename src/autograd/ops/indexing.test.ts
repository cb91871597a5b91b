import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../../tensor/create.js';
import { Tensor } from '../../tensor/tensor.js';
import { assertClose } from '../../testing/assert.js';
import { gradcheck } from '../gradcheck.js';
import * as ops from './index.js';
import { bools, ints, leaf, leafT } from './testutil.js';

const i32 = (v: number[], shape?: number[]) => new Tensor(new Int32Array(v), shape ?? [v.length], 'int32');

test('embedding: rows, accumulated gradients of repeated ids, paddingIdx, range check', () => {
  const w = tensor([[0, 1], [2, 3], [4, 5]]);
  assert.deepEqual(ops.embedding(i32([2, 0, 2], [1, 3]), w).tolist(), [[[4, 5], [0, 1], [4, 5]]]);
  const ids = i32([1, 1, 2, 0, 1, 3], [2, 3]);
  gradcheck((weight) => ops.embedding(ids, weight), [leaf([4, 3])]);
  const wg = leaf([4, 3]);
  ops.embedding(ids, wg, 1).sum().backward();
  assert.deepEqual((wg.grad!.tolist() as number[][])[1], [0, 0, 0]);
  assert.deepEqual((wg.grad!.tolist() as number[][])[0], [1, 1, 1]);
  assert.throws(() => ops.embedding(i32([3]), w), /id 3 is out of range \[0, 3\)/);
  assert.throws(() => ops.embedding(i32([-1]), w), /id -1 is out of range/);
  assert.throws(() => ops.embedding(tensor([1]), w), /int32/);
});

test('gather: values, gradients, smaller index than input', () => {
  const x = tensor([[1, 2], [3, 4]]);
  assert.deepEqual(ops.gather(x, 1, i32([0, 0, 1, 0], [2, 2])).tolist(), [[1, 1], [4, 3]]);
  assert.deepEqual(ops.gather(x, 0, i32([1], [1, 1])).tolist(), [[3]]);
  const i1 = ints([3, 5], 4);
  const i2 = ints([2, 2, 3], 3);
  const i3 = ints([2, 3], 4);
  gradcheck((t) => ops.gather(t, 1, i1), [leaf([3, 4])]);
  gradcheck((t) => ops.gather(t, 0, i2), [leaf([3, 4, 3])]);
  gradcheck((t) => ops.gather(t, 0, i3), [leafT([4, 3])]);
  assert.throws(() => ops.gather(x, 1, i32([2], [1, 1])), /index 2 is out of range/);
});

test('indexSelect: along any dim, with gradients', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(ops.indexSelect(x, 1, i32([2, 0, 2])).tolist(), [[3, 1, 3], [6, 4, 6]]);
  assert.deepEqual(ops.indexSelect(x, 0, i32([1])).tolist(), [[4, 5, 6]]);
  assert.deepEqual(ops.indexSelect(i32([5, 6, 7]), 0, i32([2, 2])).tolist(), [7, 7]);
  gradcheck((t) => ops.indexSelect(t, 1, i32([3, 0, 3])), [leaf([2, 4, 3])]);
  gradcheck((t) => ops.indexSelect(t, 0, i32([1, 1, 0])), [leafT([2, 3])]);
  assert.throws(() => ops.indexSelect(x, 0, i32([2])), /index 2 is out of range/);
});

test('where and maskedFill: broadcasting, scalars, gradients to the chosen side', () => {
  const c = tensor([true, false, true]);
  assert.deepEqual(ops.where(c, tensor([1, 2, 3]), 0).tolist(), [1, 0, 3]);
  assert.deepEqual(ops.where(c, 5, tensor([[1, 2, 3]])).tolist(), [[5, 2, 5]]);
  const cond = bools([3, 1]);
  gradcheck((a, b) => ops.where(cond, a, b), [leaf([3, 4]), leaf([4])]);
  const c2 = bools([2, 3]);
  gradcheck((a) => ops.where(c2, a, -1), [leafT([2, 3])]);
  assert.deepEqual(ops.maskedFill(tensor([[1, 2], [3, 4]]), tensor([true, false]), -9).tolist(), [[-9, 2], [-9, 4]]);
  const mask = bools([4]);
  gradcheck((x) => ops.maskedFill(x, mask, 0), [leaf([3, 4])]);
  assert.throws(() => ops.maskedFill(tensor([1, 2]), tensor([1, 0]), 0), /bool mask/);
  assert.throws(() => ops.maskedFill(tensor([1, 2]), tensor([[true, false], [true, true]]), 0), /does not broadcast/);
});

test('tril and triu: masks with diagonal offsets, gradients', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(ops.tril(x).tolist(), [[1, 0, 0], [4, 5, 0]]);
  assert.deepEqual(ops.triu(x, 1).tolist(), [[0, 2, 3], [0, 0, 6]]);
  assert.deepEqual(ops.tril(x, -1).tolist(), [[0, 0, 0], [4, 0, 0]]);
  gradcheck((t) => ops.tril(t), [leaf([2, 3, 3])]);
  gradcheck((t) => ops.triu(t, -1), [leafT([3, 4])]);
});

test('oneHot', () => {
  assert.deepEqual(ops.oneHot(i32([0, 2]), 3).tolist(), [[1, 0, 0], [0, 0, 1]]);
  assert.deepEqual(ops.oneHot(i32([1])).shape, [1, 2]);
  assertClose(ops.oneHot(i32([1, 0], [2]), 2).float(), [0, 1, 1, 0]);
});

test('logical ops on bool tensors', () => {
  const a = tensor([true, false, true, false]);
  const b = tensor([true, true, false, false]);
  assert.deepEqual(ops.logicalNot(a).tolist(), [false, true, false, true]);
  assert.deepEqual(ops.logicalAnd(a, b).tolist(), [true, false, false, false]);
  assert.deepEqual(ops.logicalOr(a, b).tolist(), [true, true, true, false]);
  assert.deepEqual(ops.logicalXor(a, b).tolist(), [false, true, true, false]);
  assert.deepEqual(ops.logicalAnd(tensor([[true], [false]]), b).shape, [2, 4]);
  assert.throws(() => ops.logicalNot(tensor([1, 0])), /expected a bool tensor/);
});
