import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randn } from '../tensor/create.js';
import { allocFloat32Uninit } from '../tensor/alloc.js';
import type { Tensor } from '../tensor/tensor.js';
import { assertClose } from '../testing/assert.js';
import { noGrad } from './graph.js';
import { exp, mul, reshape, sum, tanh } from './ops/index.js';
import { privateIntermediates } from './private-intermediates.js';
import './methods.js';

const N = 6000; // float32 arrays above the allocator's slab limit, so they are pooled

/** sum(tanh(exp(x)) * 2) with its intermediates handed to `seen`. */
function chain(x: Tensor, seen: Tensor[]): Tensor {
  const e = exp(x);
  const th = tanh(e);
  seen.push(e, th);
  return sum(mul(th, 2));
}

test('privateIntermediates: after backward the intermediates\' storage is reused by the next allocations', () => {
  const x = randn([N]).requiresGrad_();
  const seen: Tensor[] = [];
  const loss = privateIntermediates(() => chain(x, seen));
  assert.ok(seen.every((t) => t.graphOwned !== null));
  loss.backward();
  assert.ok(seen.every((t) => t.graphOwned === null), 'released after backward');
  const freed = new Set(seen.map((t) => t.data.buffer));
  const next = [allocFloat32Uninit(N), allocFloat32Uninit(N)];
  assert.ok(next.every((a) => freed.has(a.buffer)), 'the pool hands the released arrays out again');
});

test('privateIntermediates: gradients equal those of the plain computation, step after step', () => {
  const x = randn([N]).requiresGrad_();
  chain(x, []).backward();
  const expected = x.grad!.clone();
  for (let step = 0; step < 3; step++) {
    x.grad = null;
    privateIntermediates(() => chain(x, [])).backward();
    assertClose(x.grad!, expected, 0, 0);
  }
});

test('privateIntermediates: the returned tensor and views of it keep their storage', () => {
  const x = randn([N]).requiresGrad_();
  const out = privateIntermediates(() => reshape(mul(exp(x), 3), [N / 2, 2]));
  const before = out.clone();
  sum(out).backward();
  assert.equal(out.graphOwned, null);
  for (let i = 0; i < 4; i++) allocFloat32Uninit(N).fill(-1);
  assertClose(out, before, 0, 0);
});

test('privateIntermediates: retainGraph keeps the storage for a second backward', () => {
  const x = randn([N]).requiresGrad_();
  const seen: Tensor[] = [];
  const loss = privateIntermediates(() => chain(x, seen));
  loss.backward(undefined, { retainGraph: true });
  const first = x.grad!.clone();
  assert.ok(seen.every((t) => t.graphOwned !== null));
  for (let i = 0; i < 4; i++) allocFloat32Uninit(N).fill(-1);
  x.grad = null;
  loss.backward();
  assertClose(x.grad!, first, 0, 0);
});

test('privateIntermediates: without gradients nothing is handed over', () => {
  const x = randn([N]);
  const seen: Tensor[] = [];
  noGrad(() => privateIntermediates(() => chain(x, seen)));
  assert.ok(seen.every((t) => t.graphOwned === null));
});
