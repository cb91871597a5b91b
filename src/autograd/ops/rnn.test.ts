import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cat, gradcheck, randn, reshape, zeros } from '../../index.js';
import { Generator } from '../../tensor/random.js';
import { assertClose } from '../../testing/assert.js';
import { recurrentLayer, type RecurrentMode } from './rnn.js';

const f64 = { dtype: 'float64' as const };

function weights(mode: RecurrentMode, I: number, H: number, bias: boolean, g: Generator) {
  const G = { lstm: 4, gru: 3, rnn_tanh: 1, rnn_relu: 1 }[mode] * H;
  const p = (shape: number[]) => randn(shape, { ...f64, generator: g, requiresGrad: true });
  return { weightIh: p([G, I]), weightHh: p([G, H]), biasIh: bias ? p([G]) : null, biasHh: bias ? p([G]) : null };
}

test('recurrentLayer: every mode, both directions, with and without biases, passes gradcheck', () => {
  const g = new Generator(11);
  for (const mode of ['lstm', 'gru', 'rnn_tanh', 'rnn_relu'] as const) {
    for (const reverse of [false, true]) {
      const bias = !reverse;
      const w = weights(mode, 2, 3, bias, g);
      const x = randn([4, 2, 2], { ...f64, generator: g, requiresGrad: true });
      const h0 = randn([2, 3], { ...f64, generator: g, requiresGrad: true });
      const c0 = mode === 'lstm' ? randn([2, 3], { ...f64, generator: g, requiresGrad: true }) : null;
      const inputs = [x, h0, ...(c0 ? [c0] : []), w.weightIh, w.weightHh, ...(bias ? [w.biasIh!, w.biasHh!] : [])];
      gradcheck(() => {
        const r = recurrentLayer(mode, x, h0, c0, w, reverse);
        return cat([reshape(r.output, [-1]), r.hN.reshape([-1]), ...(r.cN ? [r.cN.reshape([-1])] : [])]);
      }, inputs);
    }
  }
});

test('recurrentLayer: a reverse layer ends at t = 0, and h_n is that step of the output', () => {
  const g = new Generator(12);
  const w = weights('gru', 2, 3, true, g);
  const x = randn([5, 1, 2], { ...f64, generator: g });
  const r = recurrentLayer('gru', x, zeros([1, 3], f64), null, w, true);
  assertClose(r.hN, r.output.slice(0), 0, 0);
  // Running the reversed sequence forward gives the same states, reversed in time.
  const flipped = cat([4, 3, 2, 1, 0].map((t) => x.slice([t, t + 1])), 0);
  const f = recurrentLayer('gru', flipped, zeros([1, 3], f64), null, w, false);
  assertClose(f.hN, r.hN, 1e-14, 1e-14);
  assertClose(f.output.slice(4), r.output.slice(0), 1e-14, 1e-14);
});

test('recurrentLayer checks shapes and dtypes, naming the tensor', () => {
  const g = new Generator(13);
  const w = weights('lstm', 2, 3, true, g);
  const x = randn([4, 2, 2], f64);
  assert.throws(() => recurrentLayer('lstm', x, zeros([2, 3], f64), null, w), /c0 is required/);
  assert.throws(() => recurrentLayer('lstm', x, zeros([2, 4], f64), zeros([2, 3], f64), w), /expected h0 of shape \[2, 3\], got \[2, 4\]/);
  assert.throws(() => recurrentLayer('lstm', randn([4, 2, 2]), zeros([2, 3]), zeros([2, 3]), w), /weight_ih of dtype float32, got float64/);
  assert.throws(() => recurrentLayer('gru', x, zeros([2, 3], f64), null, w), /expected weight_ih of shape \[9, 2\], got \[12, 2\]/);
});
