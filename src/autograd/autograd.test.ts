import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noGrad, randn, tensor } from '../index.js';
import { assertClose } from '../testing/assert.js';

test('gradients of a broadcast product accumulate per input', () => {
  const a = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
  const b = tensor([10, 20, 30], { requiresGrad: true });
  const loss = a.mul(b).add(1).sum();
  loss.backward();
  assert.equal(loss.item(), 466);
  assertClose(a.grad!, [10, 20, 30, 10, 20, 30]);
  assertClose(b.grad!, [5, 7, 9]);
});

test('noGrad records nothing', () => {
  const a = randn([3], { requiresGrad: true });
  const out = noGrad(() => a.mul(2));
  assert.equal(out.requiresGrad, false);
  assert.equal(out.gradFn, null);
});

test('backward twice without retainGraph is an error', () => {
  const a = randn([3], { requiresGrad: true });
  const out = a.exp().sum();
  out.backward();
  assert.throws(() => out.backward(), /second time/);
});

test('retainGraph lets gradients accumulate over two passes', () => {
  const a = tensor([1, 2], { requiresGrad: true });
  const out = a.mul(a).sum();
  out.backward(undefined, { retainGraph: true });
  out.backward();
  assertClose(a.grad!, [4, 8]);
});

test('gradients take their input dtype when an op promotes float32 to float64', () => {
  const a = tensor([1, 2], { requiresGrad: true });
  const b = tensor([3, 4], { dtype: 'float64', requiresGrad: true });
  a.mul(b).sum().backward();
  assert.equal(a.grad!.dtype, 'float32');
  assert.equal(b.grad!.dtype, 'float64');
  assertClose(a.grad!, [3, 4]);
  assertClose(b.grad!, [1, 2]);
});

test('a tensor used many times sums its gradients (large partial sums are accumulated in place)', () => {
  const n = 6000; // pooled storage, so the engine may add into a partial sum it owns
  const x = randn([n]).requiresGrad_();
  const c = randn([60, 100]);
  const y = x.exp();
  const parts = [y.mul(2).sum(), y.mul(3).sum(), y.reshape([60, 100]).mul(c).sum(), y.sin().sum(), y.mul(y).sum()];
  parts.reduce((a, b) => a.add(b)).backward();
  const xs = x.dense(), cs = c.dense();
  const expected = Array.from(xs, (v, i) => {
    const e = Math.exp(v);
    return e * (5 + cs[i] + Math.cos(e) + 2 * e);
  });
  assertClose(x.grad!, expected, 1e-3, 1e-4);
});
