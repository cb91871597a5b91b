import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ops from '../autograd/ops/index.js';
import { matmul } from '../autograd/ops/index.js';
import type { Tensor } from './tensor.js';
import { randn, tensor, zeros } from '../index.js';
import { assertClose } from '../testing/assert.js';
import {
  allocArray, allocFloat32, allocFloat32Resident, allocFloat32Uninit, beginAllocationScope, endAllocationScope, recycleFloat32, releaseScratch,
  withAllocationLimit,
} from './alloc.js';

const N = 5000 * 4; // above the slab size limit, so the pool is used

/** Puts `count` arrays of length n filled with `value` into the pool. */
function poison(n: number, value: number, count = 4): void {
  const scope = beginAllocationScope();
  const arrays = Array.from({ length: count }, () => allocFloat32(n).fill(value));
  endAllocationScope(scope);
  for (const a of arrays) recycleFloat32(scope, a.buffer as ArrayBuffer);
}

test('a recycled array comes back zeroed from allocFloat32', () => {
  poison(N, 7);
  const a = allocFloat32(N);
  assert.ok(a.every((v) => v === 0));
});

test('arrays not allocated inside the scope are never recycled, and recycling twice is ignored', () => {
  const outside = allocFloat32(N + 1);
  const scope = beginAllocationScope();
  const inside = allocFloat32(N + 1);
  endAllocationScope(scope);
  recycleFloat32(scope, outside.buffer as ArrayBuffer);
  recycleFloat32(scope, inside.buffer as ArrayBuffer);
  recycleFloat32(scope, inside.buffer as ArrayBuffer);
  const first = allocFloat32Uninit(N + 1);
  const second = allocFloat32Uninit(N + 1);
  assert.equal(first, inside);
  assert.notEqual(second, inside);
  assert.notEqual(second, outside);
});

test('an array released twice is handed out once', () => {
  const a = allocFloat32Uninit(N + 3);
  releaseScratch(a);
  releaseScratch(a);
  const first = allocFloat32Uninit(N + 3);
  const second = allocFloat32Uninit(N + 3);
  assert.equal(first, a);
  assert.notEqual(second, a);
});

test('matmul writes every element of its uninitialized output', () => {
  for (const [m, k, n] of [[50, 30, 100], [100, 1, 60], [1, 40, 5000]]) {
    poison(m * n, Number.NaN);
    const a = randn([m, k]);
    const b = randn([k, n]);
    const c = matmul(a, b);
    const ad = a.toTypedArray();
    const bd = b.toTypedArray();
    const want = new Float32Array(m * n);
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) want[i * n + j] += ad[i * k + p] * bd[p * n + j];
    assertClose(c, want, 1e-4, 1e-4);
  }
  poison(60 * 70, Number.NaN);
  assertClose(matmul(zeros([60, 0]), zeros([0, 70])), new Float32Array(60 * 70));
});

test('gradients stay correct when backward recycles buffers shared by views', () => {
  const run = () => {
    const a = tensor(Array.from({ length: 6000 }, (_, i) => Math.sin(i)), { requiresGrad: true });
    const w = tensor(Array.from({ length: 6000 }, (_, i) => Math.cos(i)), { requiresGrad: true });
    const y = a.mul(w).add(a); // add's backward hands the same gradient to both inputs
    const z = y.reshape([60, 100]).transpose(0, 1).mul(y.reshape([60, 100]).t()).sum();
    z.backward();
    return [a.grad!.toTypedArray(), w.grad!.toTypedArray()];
  };
  const [ga, gw] = run();
  for (let i = 0; i < 6000; i += 97) {
    const av = Math.sin(i);
    const wv = Math.cos(i);
    const yv = av * wv + av;
    assert.ok(Math.abs(ga[i] - 2 * yv * (wv + 1)) < 1e-3, `a.grad[${i}]`);
    assert.ok(Math.abs(gw[i] - 2 * yv * av) < 1e-3, `w.grad[${i}]`);
  }
  for (let r = 0; r < 3; r++) {
    const [ga2, gw2] = run();
    assert.deepEqual(ga2, ga);
    assert.deepEqual(gw2, gw);
  }
});

test('elementwise, softmax and layer norm write every element of their uninitialized outputs', () => {
  const shape = [40, 130]; // 5200 elements: large enough for the pool
  const size = 40 * 130;
  const x64 = randn(shape, { dtype: 'float64' });
  const y64 = randn([130], { dtype: 'float64' });
  const x = x64.to('float32');
  const y = y64.to('float32');
  x.requiresGrad = true;
  const checks: [string, (a: Tensor, b: Tensor) => Tensor][] = [
    ['add', (a, b) => ops.add(a, b)],
    ['mul', (a, b) => ops.mul(a, b)],
    ['gelu', (a) => ops.gelu(a, 'tanh')],
    ['exp', (a) => ops.exp(a)],
    ['softmax', (a) => ops.softmax(a, -1)],
    ['layerNorm', (a, b) => ops.layerNorm(a, [130], b, b)],
  ];
  for (const [name, f] of checks) {
    poison(size, Number.NaN, 8);
    const out = f(x, y);
    assertClose(out, f(x64, y64), 1e-4, 1e-4, name);
    poison(size, Number.NaN, 8);
    x.grad = null;
    ops.sum(ops.mul(out, out)).backward();
    const a = x64.detach();
    a.requiresGrad = true;
    const ref = f(a, y64);
    ops.sum(ops.mul(ref, ref)).backward();
    assertClose(x.grad!, a.grad!, 1e-3, 1e-3, `${name} gradient`);
  }
});

test('resident storage (huge pages from 2 MB on) is zeroed, exactly n long and holds what is written', () => {
  for (const n of [10, (2 << 20) / 4 + 3, (5 << 20) / 4]) {
    const a = allocFloat32Resident(n);
    assert.equal(a.length, n);
    assert.ok(a.every((v) => v === 0));
    a[0] = 1;
    a[n - 1] = 2;
    assert.deepEqual([a[0], a[n - 1]], [1, 2]);
  }
});

test('withAllocationLimit refuses the allocation that would pass the cap, counts every dtype, nests and restores', () => {
  class Exceeded extends Error {}
  const exceeded = (n: number): never => {
    throw new Exceeded(`${n}`);
  };
  // 100 elements: 60 pass, then 50 more (of another dtype) would pass the cap
  assert.throws(() => withAllocationLimit(100, exceeded, () => {
    allocFloat32(40);
    allocArray('int32', 20);
    allocFloat32Resident(50);
  }), (e: unknown) => e instanceof Exceeded && e.message === '50');
  assert.equal(withAllocationLimit(100, exceeded, () => allocFloat32Uninit(100).length), 100);
  // an inner limit has at most what the outer one has left, and what it allocated counts against the outer one
  assert.throws(() => withAllocationLimit(100, exceeded, () => {
    withAllocationLimit(1000, exceeded, () => allocFloat32(70));
    allocArray('float64', 40);
  }), Exceeded);
  assert.throws(() => withAllocationLimit(100, exceeded, () => withAllocationLimit(1000, exceeded, () => allocFloat32(101))), Exceeded);
  // outside any limit, nothing is counted
  assert.equal(allocFloat32(1 << 20).length, 1 << 20);
});
