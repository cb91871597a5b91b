import type { FloatArray } from '../dtype.js';

/** murmur3's 32-bit finalizer: a bijection of uint32 that mixes every input bit into every output bit. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/**
 * The uniform uint32 that decides element i of a dropout mask drawn with `seed` (a counter-based
 * generator: element i's draw does not depend on any other, so the native kernel can split the work).
 */
export function dropoutDraw(i: number, seed0: number, seed1: number): number {
  return mix32((mix32((Math.imul(i, 0x9e3779b9) + seed0) >>> 0) ^ seed1) >>> 0);
}

/** Elements whose draw is below this are dropped: p of the 2^32 draws. */
export function dropoutThreshold(p: number): number {
  return Math.floor(p * 4294967296);
}

/** out[i] = x[i] · element i's factor: 0 when its draw is below p · 2^32, else 1 / (1 - p). */
export function dropout(x: FloatArray, out: FloatArray, n: number, p: number, seed0: number, seed1: number): void {
  const threshold = dropoutThreshold(p);
  const scale = out instanceof Float32Array ? Math.fround(1 / (1 - p)) : 1 / (1 - p);
  for (let i = 0; i < n; i++) out[i] = x[i] * (dropoutDraw(i, seed0, seed1) < threshold ? 0 : scale);
}
