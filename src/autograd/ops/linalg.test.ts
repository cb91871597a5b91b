import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randn, tensor } from '../../tensor/create.js';
import { manualSeed } from '../../tensor/random.js';
import { assertClose } from '../../testing/assert.js';
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

test('addmm: bias + a·b with transposed operands, gradients of all three', () => {
  gradcheck((bias, a, b) => ops.addmm(bias, a, b), [leaf([5]), leaf([3, 4]), leaf([4, 5])]);
  gradcheck((bias, a, b) => ops.addmm(bias, a, ops.t(b)), [leaf([2]), leafT([3, 4]), leaf([2, 4])]);
  gradcheck((bias, a, b) => ops.addmm(ops.slice(bias, [1, 3]), a, b), [leaf([4]), leaf([3, 4]), leaf([4, 2])]);
  assert.deepEqual(ops.addmm(tensor([10, 20]), tensor([[1, 2], [3, 4]]), tensor([[1, 0], [0, 1]])).tolist(), [[11, 22], [13, 24]]);
});

test('addmm in float32 (native) equals matmul + bias', () => {
  const a = randn([70, 33]);
  const b = randn([50, 33]);
  const bias = randn([50]);
  assertClose(ops.addmm(bias, a, ops.t(b)), ops.add(ops.matmul(a, ops.t(b)), bias), 1e-5, 1e-5);
});

test('addmm gradients in float32 (bias gradient from the weight GEMM) equal those of matmul + bias', () => {
  for (const transposedB of [false, true]) {
    const grads = (fused: boolean) => {
      const a = randn([70, 33], { requiresGrad: true });
      const b = randn(transposedB ? [50, 33] : [33, 50], { requiresGrad: true });
      const bias = randn([50], { requiresGrad: true });
      const g = randn([70, 50]);
      const bm = transposedB ? ops.t(b) : b;
      const y = fused ? ops.addmm(bias, a, bm) : ops.add(ops.matmul(a, bm), bias);
      ops.sum(ops.mul(y, g)).backward();
      return [a.grad!, b.grad!, bias.grad!];
    };
    manualSeed(5);
    const expected = grads(false);
    manualSeed(5);
    grads(true).forEach((actual, i) => assertClose(actual, expected[i], 1e-5, 1e-5));
  }
});

test('addmmResidual: residual + bias + a·b, gradients of all four; float32 equals add + addmm', () => {
  gradcheck((r, bias, a, b) => ops.addmmResidual(r, bias, a, b), [leaf([3, 5]), leaf([5]), leaf([3, 4]), leaf([4, 5])]);
  gradcheck((r, a, b) => ops.addmmResidual(r, null, a, ops.t(b)), [leafT([3, 2]), leafT([3, 4]), leaf([2, 4])]);
  // a residual [B, T, n] over the B·T rows of a: the result has the residual's shape
  gradcheck((r, bias, a, b) => ops.addmmResidual(r, bias, a, b), [leaf([2, 3, 5]), leaf([5]), leaf([6, 4]), leaf([4, 5])]);
  const r3 = randn([2, 3, 5]);
  const [a3, b3] = [randn([6, 4]), randn([4, 5])];
  const y3 = ops.addmmResidual(r3, null, a3, b3);
  assert.deepEqual(y3.shape, [2, 3, 5]);
  assertClose(y3, ops.add(r3, ops.reshape(ops.matmul(a3, b3), [2, 3, 5])), 1e-6, 1e-6);
  for (const [m, k, n] of [[70, 33, 50], [1, 40, 300], [5, 0, 3]]) {
    const grads = (fused: boolean) => {
      manualSeed(7);
      const [r, bias, a, b] = [[m, n], [n], [m, k], [k, n]].map((s) => randn(s, { requiresGrad: true }));
      const y = fused ? ops.addmmResidual(r, bias, a, b) : ops.add(r, ops.addmm(bias, a, b));
      ops.sum(ops.mul(y, randn([m, n]))).backward();
      return [y, r.grad!, bias.grad!, a.grad!, b.grad!];
    };
    const expected = grads(false);
    grads(true).forEach((actual, i) => assertClose(actual, expected[i], 1e-5, 1e-5));
  }
});

test('bias gradients over many rows (column sums computed as ones·G) equal the plain sums', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    const x = randn([50, 30], { dtype });
    const bias = randn([30], { dtype, requiresGrad: true });
    const g = randn([50, 30], { dtype });
    ops.sum(ops.mul(ops.add(x, bias), g)).backward();
    const gd = g.toTypedArray();
    const want = Array.from({ length: 30 }, (_, j) => {
      let s = 0;
      for (let i = 0; i < 50; i++) s += gd[i * 30 + j];
      return s;
    });
    assertClose(bias.grad!, want, 1e-4, 1e-4);
  }
});
