import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backend } from '../../backend/index.js';
import { ones, randn, tensor } from '../../tensor/create.js';
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

test('dropout: a seeded generator gives the same mask again, the next call a new one; float64 too', () => {
  const x = ones([4096]);
  const g = new Generator(11);
  const first = Array.from(ops.dropout(x, 0.5, true, g).dense());
  const second = Array.from(ops.dropout(x, 0.5, true, g).dense());
  assert.deepEqual(Array.from(ops.dropout(x, 0.5, true, new Generator(11)).dense()), first);
  assert.notDeepEqual(second, first);
  const x64 = ones([4096], { dtype: 'float64' });
  const y64 = ops.dropout(x64, 0.5, true, new Generator(11));
  assert.equal(y64.dtype, 'float64');
  assert.deepEqual(Array.from(y64.dense()), first, 'the same draws for either dtype');
});

test('dropout: a strided input is dropped in logical order, the gradient by the same factors; NaN and inf propagate', () => {
  const base = randn([30, 40]).requiresGrad_();
  const x = ops.transpose(base, 0, 1); // [40, 30], strided: the native kernel gets a dense copy
  const y = ops.dropout(x, 0.4, true, new Generator(5));
  const factors = ops.dropout(ones([40, 30]), 0.4, true, new Generator(5)).dense();
  const [xd, yd] = [x.dense(), y.dense()];
  for (let i = 0; i < xd.length; i++) assert.equal(yd[i], Math.fround(xd[i] * factors[i]), `element ${i}`);
  const w = randn([40, 30]);
  ops.sum(ops.mul(y, w)).backward();
  const [gd, wd] = [ops.transpose(base.grad!, 0, 1).dense(), w.dense()];
  for (let i = 0; i < gd.length; i++) assert.equal(gd[i], Math.fround(wd[i] * factors[i]), `gradient ${i}`);
  const special = ops.dropout(tensor(Array.from({ length: 64 }, (_, i) => (i % 2 ? NaN : Infinity))), 0.5, true, new Generator(2));
  const f = ops.dropout(ones([64]), 0.5, true, new Generator(2)).dense();
  special.dense().forEach((v, i) => assert.ok(i % 2 || f[i] === 0 ? Number.isNaN(v) : v === Infinity, `element ${i}: ${v}`));
});

test('layerNorm in a pre-norm residual block adds its input gradient into the residual gradient in place', () => {
  // large enough (32 KB) for gradients to come from the recycling pool, which in-place sums need
  const C = 64;
  const shape = [4, 32, C];
  const x = randn(shape).requiresGrad_();
  const w = randn([C]).requiresGrad_();
  const w1 = randn([C]).requiresGrad_();
  const wFc = randn([C, 2 * C]);
  const wProj = randn([2 * C, C]);
  const wAttn = randn([C, C]);
  // x1 = x + ln(x)·wAttn; y = x1 + mlp(ln(x1)): the residual stream's two gradient terms meet at x and x1
  const block = (fused: boolean) => {
    const h = ops.layerNorm(x, [C], w);
    const x1 = fused ? ops.addmmResidual(x, null, ops.reshape(h, [-1, C]), wAttn)
      : ops.add(x, ops.reshape(ops.matmul(ops.reshape(h, [-1, C]), wAttn), shape));
    const h1 = ops.layerNorm(x1, [C], w1);
    return fused ? ops.geluMlp(h1, wFc, null, wProj, null, { residual: x1 })
      : ops.add(x1, ops.matmul(ops.gelu(ops.matmul(h1, wFc)), wProj));
  };
  const weights = randn(shape);
  ops.sum(ops.mul(block(false), weights)).backward();
  const [gx, gw, gw1] = [x.grad!, w.grad!, w1.grad!];
  x.grad = null;
  w.grad = null;
  w1.grad = null;
  const loss = ops.sum(ops.mul(block(true), weights));
  const be = backend();
  const binary = be.binary;
  let sums = 0;
  be.binary = (...args) => { sums++; return binary.apply(be, args); };
  try {
    loss.backward();
  } finally {
    be.binary = binary;
  }
  assertClose(x.grad!, gx, 1e-4, 1e-4);
  assertClose(w.grad!, gw, 1e-4, 1e-4);
  assertClose(w1.grad!, gw1, 1e-4, 1e-4);
  // only the loss's own elementwise product is differentiated with a binary kernel (mul backward)
  assert.ok(sums <= 1, `expected the residual sums inside the layer-norm kernel, got ${sums} binary kernel calls`);
});
