import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zeros } from '../tensor/create.js';
import { defaultGenerator, Generator } from '../tensor/random.js';
import { calculateFanInAndFanOut, calculateGain, kaimingUniform_, normal_, ones_, skipInit, uniform_, xavierUniform_, zeros_ } from './init.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';

function stats(d: ArrayLike<number>): { min: number; max: number; mean: number; std: number } {
  const a = Array.from(d);
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const std = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
  return { min: Math.min(...a), max: Math.max(...a), mean, std };
}

test('gains and fans follow torch.nn.init', () => {
  assert.equal(calculateGain('linear'), 1);
  assert.equal(calculateGain('tanh'), 5 / 3);
  assert.equal(calculateGain('relu'), Math.SQRT2);
  assert.equal(calculateGain('leaky_relu', Math.sqrt(5)), Math.sqrt(1 / 3));
  assert.deepEqual(calculateFanInAndFanOut(zeros([4, 3, 2])), [6, 8]);
  assert.throws(() => calculateFanInAndFanOut(zeros([4])), /2\+ dimensions/);
});

test('kaimingUniform_ (a = √5) gives U(-1/√fan_in, 1/√fan_in); xavierUniform_ U(-√(6/(in+out)), ...)', () => {
  const g = new Generator(0);
  const w = kaimingUniform_(zeros([200, 100]), { a: Math.sqrt(5), generator: g });
  const s = stats(w.data);
  assert.ok(s.max <= 0.1 && s.min >= -0.1 && s.max > 0.099 && s.min < -0.099);
  assert.ok(Math.abs(s.std - 0.1 / Math.sqrt(3)) < 0.002);
  const x = xavierUniform_(zeros([50, 70]), 1, g);
  const bound = Math.sqrt(6 / 120);
  const sx = stats(x.data);
  assert.ok(sx.max <= bound && sx.min >= -bound && sx.max > 0.95 * bound);
});

test('normal_, uniform_, zeros_, ones_ fill in place, reproducibly from a seed', () => {
  const n = normal_(zeros([20000]), 2, 0.5, new Generator(1));
  const s = stats(n.data);
  assert.ok(Math.abs(s.mean - 2) < 0.02 && Math.abs(s.std - 0.5) < 0.02);
  const u1 = uniform_(zeros([5]), -3, -1, new Generator(9));
  const u2 = uniform_(zeros([5]), -3, -1, new Generator(9));
  assert.deepEqual(Array.from(u1.data), Array.from(u2.data));
  assert.ok(Array.from(u1.data).every((v) => v >= -3 && v < -1));
  assert.deepEqual(Array.from(ones_(zeros([3])).data), [1, 1, 1]);
  assert.deepEqual(Array.from(zeros_(ones_(zeros([2]))).data), [0, 0]);
});

test('skipInit builds layers without drawing random weights; constant inits still apply', () => {
  const before = defaultGenerator.getState();
  const { lin, norm } = skipInit(() => ({ lin: new Linear(64, 32), norm: new LayerNorm(8) }));
  assert.ok(Array.from(lin.weight.dense()).every((v) => v === 0));
  assert.ok(Array.from(norm.weight!.dense()).every((v) => v === 1));
  assert.deepEqual(defaultGenerator.getState(), before, 'the global generator was not advanced');
  const drawn = new Linear(64, 32);
  assert.ok(Array.from(drawn.weight.dense()).some((v) => v !== 0), 'outside skipInit weights are drawn again');
});

test('normal_ and uniform_ fill large tensors with the right moments, reproducibly', () => {
  const a = normal_(zeros([200_000]), 1.5, 2, new Generator(7));
  const b = normal_(zeros([200_000]), 1.5, 2, new Generator(7));
  assert.deepEqual(Array.from(a.dense().subarray(0, 100)), Array.from(b.dense().subarray(0, 100)));
  const d = a.dense();
  let s = 0;
  let s2 = 0;
  for (const v of d) { s += v; s2 += v * v; }
  const mean = s / d.length;
  assert.ok(Math.abs(mean - 1.5) < 0.02, `mean ${mean}`);
  assert.ok(Math.abs(Math.sqrt(s2 / d.length - mean * mean) - 2) < 0.02);
  const u = uniform_(zeros([100_000]), -3, 5, new Generator(8)).dense();
  assert.ok(Array.from(u).every((v) => v >= -3 && v < 5));
  assert.ok(Math.abs(Array.from(u).reduce((x, y) => x + y, 0) / u.length - 1) < 0.05);
});
