import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../autograd/index.js';
import { backend, backendFor, nativeStatus, setBackend } from '../backend/index.js';
import { randomFloats } from '../backend/native/testing.js';
import type { DType, FloatArray } from '../tensor/dtype.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Adam, AdamW } from './adam.js';
import { clipGradNorm } from './clip.js';

// The optimizer and clipGradNorm update whole lists in one backend call; these tests hold them to the
// per-tensor computation they replace, bit for bit, on every backend available here.

const BACKENDS: ('js' | 'native')[] = nativeStatus().available ? ['js', 'native'] : ['js'];
const LENGTHS = [1, 5, 8, 13, 64, 100, 257, 1000];

function onBackend(name: 'js' | 'native', body: () => void): void {
  const before = backend().name as 'js' | 'native';
  setBackend(name);
  try {
    body();
  } finally {
    setBackend(before);
  }
}

function floats(n: number, seed: number, dtype: DType, lo = -1, hi = 1): FloatArray {
  const f = randomFloats(n, seed, lo, hi);
  return dtype === 'float64' ? Float64Array.from(f) : f;
}

function leaf(data: FloatArray): Tensor {
  return tensor(data.slice(), { requiresGrad: true });
}

for (const name of BACKENDS) {
  for (const Opt of [Adam, AdamW]) {
    test(`${Opt.name} on ${name}: the one-call update equals adamUpdate per tensor bit for bit`, () => {
      onBackend(name, () => {
        for (const weightDecay of [0, 0.1]) {
          for (const dtypes of [['float32'], ['float64'], ['float32', 'float64']] as DType[][]) {
            const init = LENGTHS.map((n, i) => floats(n, i + 1, dtypes[i % dtypes.length]));
            const params = init.map(leaf);
            const opt = new Opt(params, { lr: 1e-2, betas: [0.9, 0.99], weightDecay });
            const ref = init.map((p) => ({ p: p.slice(), m: p.map(() => 0), v: p.map(() => 0), step: 0 }));
            for (let step = 1; step <= 4; step++) {
              params.forEach((p, i) => {
                // Parameter 2 misses step 2, so its step count falls behind the others' from then on.
                p.grad = i === 2 && step === 2 ? null : tensor(floats(p.size, 100 * step + i, p.dtype));
              });
              opt.step();
              params.forEach((p, i) => {
                if (!p.grad) return;
                const r = ref[i];
                r.step++;
                backendFor(p.dtype).adamUpdate({
                  param: r.p, grad: p.grad.data as FloatArray, m: r.m, v: r.v, lr: 1e-2, beta1: 0.9, beta2: 0.99,
                  eps: 1e-8, weightDecay, step: r.step, decoupled: Opt === AdamW,
                });
              });
            }
            params.forEach((p, i) => {
              const what = `${Opt.name} wd=${weightDecay} dtypes=${dtypes.join('+')} param ${i} (${p.size})`;
              const state = opt.state.get(p)!;
              assert.equal(state.step, ref[i].step, `${what} step`);
              assert.deepEqual(p.data, ref[i].p, `${what} value`);
              assert.deepEqual((state.exp_avg as Tensor).data, ref[i].m, `${what} exp_avg`);
              assert.deepEqual((state.exp_avg_sq as Tensor).data, ref[i].v, `${what} exp_avg_sq`);
            });
          }
        }
      });
    });
  }

  test(`clipGradNorm on ${name}: total and scaled gradients equal the per-tensor computation bit for bit`, () => {
    onBackend(name, () => {
      const lengths = [...LENGTHS, 127, 128, 140_000];
      const cases: { what: string; dtypes: DType[]; maxNorm: number; poison?: number }[] = [
        { what: 'scaled', dtypes: ['float32'], maxNorm: 0.5 },
        { what: 'unscaled', dtypes: ['float32'], maxNorm: 1e9 },
        { what: 'float64', dtypes: ['float64'], maxNorm: 0.5 },
        { what: 'mixed dtypes', dtypes: ['float32', 'float64'], maxNorm: 0.5 },
        { what: 'a NaN', dtypes: ['float32'], maxNorm: 0.5, poison: NaN },
        { what: 'an infinity', dtypes: ['float32'], maxNorm: 0.5, poison: -Infinity },
      ];
      for (const c of cases) {
        const params = lengths.map((n, i) => leaf(floats(n, i + 1, c.dtypes[i % c.dtypes.length])));
        const grads = params.map((p, i) => floats(p.size, 50 + i, p.dtype, -0.7, 0.7));
        if (c.poison !== undefined) grads[3][2] = c.poison;
        params.forEach((p, i) => { p.grad = tensor(grads[i].slice()); });

        let sum = 0;
        for (const g of grads) sum += backendFor(g instanceof Float64Array ? 'float64' : 'float32').sumSquares(g, g.length);
        const total = Math.sqrt(sum);
        // The square root can hide the last bit of the sum; the list kernel itself must match it too.
        if (c.dtypes.length === 1) assert.equal(backendFor(c.dtypes[0]).sumSquaresList(grads), sum, `${c.what}: sum`);
        const coef = c.maxNorm / (total + 1e-6);
        if (!(coef >= 1)) for (const g of grads) backendFor(g instanceof Float64Array ? 'float64' : 'float32').scaleInPlace(g, g.length, coef);

        assert.equal(clipGradNorm(params, c.maxNorm), total, `${c.what}: total norm`);
        params.forEach((p, i) => assert.deepEqual(p.grad!.data, grads[i], `${c.what}: gradient ${i}`));
        if (c.poison !== undefined) {
          // NaN spreads into every gradient; an infinite norm scales by 0 (and the infinity itself to NaN).
          const expected = Number.isNaN(c.poison) ? NaN : 0;
          assert.ok(params[0].grad!.data.every((v) => (expected === 0 ? v === 0 : Number.isNaN(v))), `${c.what} spreads`);
          const before = params.map((p) => p.grad!.data.slice());
          params[3].grad!.data[2] = c.poison;
          assert.throws(() => clipGradNorm(params, c.maxNorm, 2, { errorIfNonfinite: true }), /total norm of order 2/);
          params.forEach((p, i) => {
            if (i !== 3) assert.deepEqual(p.grad!.data, before[i], `${c.what}: errorIfNonfinite leaves gradients alone`);
          });
        }
      }
    });
  });
}
