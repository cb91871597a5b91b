import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zeros } from '../tensor/create.js';
import { Generator } from '../tensor/random.js';
import { calculateFanInAndFanOut, calculateGain, kaimingUniform_, normal_, ones_, uniform_, xavierUniform_, zeros_ } from './init.js';

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
