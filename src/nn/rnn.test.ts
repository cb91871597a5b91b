import assert from 'node:assert/strict';
import { test } from 'node:test';
import { add, cat, gradcheck, matmul, randn, reshape, sigmoid, stack, t, tanh, type Tensor } from '../index.js';
import { Generator } from '../tensor/random.js';
import { assertClose } from '../testing/assert.js';
import { GRU } from './gru.js';
import { LSTM } from './lstm.js';
import { RNN } from './rnn.js';

const f64 = { dtype: 'float64' as const };

/** One LSTM layer, one direction, step by step from primitive ops (the reference for the fused op). */
function naiveLstmLayer(x: Tensor, h: Tensor, c: Tensor, w: Record<string, Tensor>, sfx: string, reverse: boolean): [Tensor[], Tensor, Tensor] {
  const T = x.shape[0];
  const H = h.shape[1];
  const outs: Tensor[] = new Array(T);
  for (let k = 0; k < T; k++) {
    const step = reverse ? T - 1 - k : k;
    const gates = add(add(matmul(x.slice(step), t(w[`weight_ih${sfx}`])), w[`bias_ih${sfx}`]),
      add(matmul(h, t(w[`weight_hh${sfx}`])), w[`bias_hh${sfx}`]));
    const i = sigmoid(gates.slice(null, [0, H]));
    const f = sigmoid(gates.slice(null, [H, 2 * H]));
    const g = tanh(gates.slice(null, [2 * H, 3 * H]));
    const o = sigmoid(gates.slice(null, [3 * H, 4 * H]));
    c = add(f.mul(c), i.mul(g));
    h = o.mul(tanh(c));
    outs[step] = h;
  }
  return [outs, h, c];
}

test('LSTM (2 layers, bidirectional, given state) matches a step-by-step reference', () => {
  const gen = new Generator(1);
  const m = new LSTM(3, 4, { numLayers: 2, bidirectional: true, dtype: 'float64', generator: gen });
  const x = randn([5, 2, 3], { ...f64, generator: gen });
  const h0 = randn([4, 2, 4], { ...f64, generator: gen });
  const c0 = randn([4, 2, 4], { ...f64, generator: gen });
  const [out, [hN, cN]] = m.forward(x, [h0, c0]);
  assert.deepEqual(out.shape, [5, 2, 8]);
  assert.deepEqual(hN.shape, [4, 2, 4]);
  const w = Object.fromEntries(m.stateDict());
  let input = x;
  const hs: Tensor[] = [];
  const cs: Tensor[] = [];
  for (let layer = 0; layer < 2; layer++) {
    const dirs = [false, true].map((rev, d) => {
      const [o, h, c] = naiveLstmLayer(input, h0.slice(layer * 2 + d), c0.slice(layer * 2 + d), w, `_l${layer}${rev ? '_reverse' : ''}`, rev);
      hs.push(h);
      cs.push(c);
      return stack(o, 0);
    });
    input = cat(dirs, 2);
  }
  assertClose(out, input, 1e-12, 1e-12, 'output');
  assertClose(hN, stack(hs, 0), 1e-12, 1e-12, 'h_n');
  assertClose(cN, stack(cs, 0), 1e-12, 1e-12, 'c_n');
});

test('LSTM gradients (inputs, states, every parameter) pass gradcheck', () => {
  const gen = new Generator(2);
  const m = new LSTM(2, 3, { numLayers: 2, bidirectional: true, batchFirst: true, dtype: 'float64', generator: gen });
  const x = randn([2, 3, 2], { ...f64, generator: gen, requiresGrad: true });
  const h0 = randn([4, 2, 3], { ...f64, generator: gen, requiresGrad: true });
  const c0 = randn([4, 2, 3], { ...f64, generator: gen, requiresGrad: true });
  gradcheck((xi, hi, ci) => {
    const [o, [h, c]] = m.forward(xi, [hi, ci]);
    return cat([reshape(o, [-1]), reshape(h, [-1]), reshape(c, [-1])]);
  }, [x, h0, c0, ...m.parameters()]);
});

test('GRU gradients pass gradcheck, and batchFirst output is (N, L, H)', () => {
  const gen = new Generator(3);
  const m = new GRU(2, 3, { numLayers: 2, bidirectional: true, batchFirst: true, dtype: 'float64', generator: gen });
  const x = randn([2, 4, 2], { ...f64, generator: gen, requiresGrad: true });
  const h0 = randn([4, 2, 3], { ...f64, generator: gen, requiresGrad: true });
  const [o, h] = m.forward(x, h0);
  assert.deepEqual(o.shape, [2, 4, 6]);
  assert.deepEqual(h.shape, [4, 2, 3]);
  gradcheck((xi, hi) => {
    const [o2, h2] = m.forward(xi, hi);
    return cat([reshape(o2, [-1]), reshape(h2, [-1])]);
  }, [x, h0, ...m.parameters()]);
});

test('GRU one step matches the formula by hand', () => {
  const m = new GRU(1, 1, { dtype: 'float64' });
  const [wih, whh, bih, bhh] = m.parameters();
  wih.data.set([0.5, -0.3, 0.8]);
  whh.data.set([0.2, 0.4, -0.6]);
  bih.data.set([0.1, 0.0, -0.1]);
  bhh.data.set([0.0, 0.2, 0.3]);
  const x = 0.7;
  const h = 0.5;
  const r = 1 / (1 + Math.exp(-(0.5 * x + 0.1 + 0.2 * h)));
  const z = 1 / (1 + Math.exp(-(-0.3 * x + 0.4 * h + 0.2)));
  const n = Math.tanh(0.8 * x - 0.1 + r * (-0.6 * h + 0.3));
  const [, hN] = m.forward(randn([1, 1, 1], f64).mul(0).add(x), randn([1, 1, 1], f64).mul(0).add(h));
  assertClose(hN, [(1 - z) * n + z * h], 1e-12, 1e-12);
});

test('RNN (tanh and relu) gradients pass gradcheck; unbatched input works', () => {
  for (const nonlinearity of ['tanh', 'relu'] as const) {
    const gen = new Generator(4);
    const m = new RNN(2, 3, { numLayers: 2, nonlinearity, dtype: 'float64', generator: gen });
    const x = randn([4, 2, 2], { ...f64, generator: gen, requiresGrad: true });
    gradcheck((xi) => {
      const [o, h] = m.forward(xi);
      return cat([reshape(o, [-1]), reshape(h, [-1])]);
    }, [x, ...m.parameters()]);
    const [o1, h1] = m.forward(randn([4, 2], f64));
    assert.deepEqual(o1.shape, [4, 3]);
    assert.deepEqual(h1.shape, [2, 3]);
  }
});

test('recurrent parameters carry PyTorch names and shapes', () => {
  const m = new LSTM(3, 5, { numLayers: 2, bidirectional: true });
  const names = m.namedParameters().map(([n, p]) => `${n}:${p.shape.join('x')}`);
  assert.deepEqual(names.slice(0, 8), [
    'weight_ih_l0:20x3', 'weight_hh_l0:20x5', 'bias_ih_l0:20', 'bias_hh_l0:20',
    'weight_ih_l0_reverse:20x3', 'weight_hh_l0_reverse:20x5', 'bias_ih_l0_reverse:20', 'bias_hh_l0_reverse:20',
  ]);
  assert.equal(names[8], 'weight_ih_l1:20x10');
  const bound = 1 / Math.sqrt(5);
  for (const p of m.parameters()) for (const v of p.data) assert.ok(Math.abs(v) <= bound);
  assert.throws(() => m.forward(randn([2, 2, 4])), /input_size/);
  assert.throws(() => m.forward(randn([2, 2, 3]), [randn([1, 2, 5]), randn([4, 2, 5])]), /Expected hidden size/);
});

test('dropout between layers acts only in training mode', () => {
  const m = new LSTM(2, 3, { numLayers: 2, dropout: 0.5 });
  const x = randn([3, 2, 2]);
  m.eval();
  const [a] = m.forward(x);
  const [b] = m.forward(x);
  assertClose(a, b, 0, 0);
  m.train();
  const [c] = m.forward(x);
  assert.notDeepEqual(Array.from(c.dense()), Array.from(a.dense()));
});
