import assert from 'node:assert/strict';
import test from 'node:test';
import { dropout, dropoutDraw, dropoutThreshold } from './dropout.js';

const M32 = (1n << 32n) - 1n;

/** murmur3's fmix32 in BigInt arithmetic: an independent statement of the draw's definition. */
function fmix32(x: bigint): bigint {
  x ^= x >> 16n;
  x = (x * 0x85ebca6bn) & M32;
  x ^= x >> 13n;
  x = (x * 0xc2b2ae35n) & M32;
  return x ^ (x >> 16n);
}

const reference = (i: number, s0: number, s1: number) =>
  Number(fmix32(fmix32((BigInt(i) * 0x9e3779b9n + BigInt(s0)) & M32) ^ BigInt(s1)));

test('dropout draws: fmix32(fmix32(i · 0x9e3779b9 + seed0) ^ seed1) over uint32', () => {
  assert.equal(fmix32(1n), 0x514e28b7n, 'murmur3 fmix32(1), a published value');
  for (const i of [0, 1, 2, 7, 1000, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1]) {
    for (const [s0, s1] of [[0, 0], [1, 2], [0xffffffff, 0x80000000], [123456789, 987654321]]) {
      assert.equal(dropoutDraw(i, s0, s1), reference(i, s0, s1), `i ${i} seeds ${s0} ${s1}`);
    }
  }
  assert.equal(dropoutThreshold(0.5), 2 ** 31);
  assert.equal(dropoutThreshold(0), 0);
});

test('dropout factors: the fraction dropped is p, neighbours are independent, seeds give different masks', () => {
  const n = 1 << 20;
  for (const p of [0.1, 0.5, 0.9]) {
    const mask = new Float32Array(n);
    dropout(new Float32Array(n).fill(1), mask, n, p, 42, 7);
    let dropped = 0;
    let both = 0;
    for (let i = 0; i < n; i++) {
      if (mask[i] === 0) dropped++;
      else assert.equal(mask[i], Math.fround(1 / (1 - p)));
      if (i > 0 && mask[i] === 0 && mask[i - 1] === 0) both++;
    }
    const sd = Math.sqrt(n * p * (1 - p));
    assert.ok(Math.abs(dropped - n * p) < 5 * sd, `p ${p}: dropped ${dropped} of ${n}`);
    const pairs = n - 1;
    const sdPairs = Math.sqrt(pairs * p * p * (1 - p * p)) * 2;
    assert.ok(Math.abs(both - pairs * p * p) < 5 * sdPairs, `p ${p}: ${both} neighbouring pairs both dropped`);
  }
  const a = new Float32Array(4096);
  const b = new Float32Array(4096);
  const one = new Float32Array(4096).fill(1);
  dropout(one, a, 4096, 0.5, 1, 2);
  dropout(one, b, 4096, 0.5, 1, 3);
  let differ = 0;
  for (let i = 0; i < 4096; i++) if (a[i] !== b[i]) differ++;
  assert.ok(differ > 1800 && differ < 2300, `${differ} of 4096 elements differ between seeds`);
});

test('dropout scales x by the factors, in place too, in either precision', () => {
  const n = 1000;
  const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 3);
  const factors = new Float64Array(n);
  dropout(new Float64Array(n).fill(1), factors, n, 0.3, 9, 4);
  const out = new Float64Array(n);
  dropout(x, out, n, 0.3, 9, 4);
  for (let i = 0; i < n; i++) assert.equal(out[i], x[i] * factors[i]);
  const x32 = Float32Array.from(x);
  const expected = x32.map((v, i) => Math.fround(v * Math.fround(factors[i])));
  dropout(x32, x32, n, 0.3, 9, 4);
  assert.deepEqual(x32, expected);
});
