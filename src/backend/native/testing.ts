import fs from 'node:fs';
import type { Backend } from '../types.js';
import { loadAddon } from './addon.js';
import { createNativeBackend } from './index.js';

function cpuHasAvx2Fma(): boolean {
  try {
    const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
    return /\bavx2\b/.test(info) && /\bfma\b/.test(info);
  } catch {
    return false;
  }
}

/**
 * The native backend for tests, or a one-line skip reason. Under CI=true on an AVX2/FMA CPU a missing
 * backend throws instead, so CI cannot silently skip the native kernels.
 */
export function nativeForTests(): { native: Backend | null; skip: string | false } {
  const addon = loadAddon();
  if (typeof addon !== 'string') return { native: createNativeBackend(addon), skip: false };
  if (process.env.CI === 'true' && cpuHasAvx2Fma()) {
    throw new Error(`CI=true on an AVX2/FMA CPU, but the native backend is unavailable: ${addon}`);
  }
  return { native: null, skip: `native backend unavailable: ${addon}` };
}

/** Deterministic uniform floats in [lo, hi). */
export function randomFloats(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (hi - lo) * (((t ^ (t >>> 14)) >>> 0) / 4294967296);
  }
  return out;
}

/** Runs `body` once with 1 and once with 2 kernel threads, restoring the previous count. */
export function withThreads(backend: Backend, body: (threads: number) => void): void {
  const before = backend.getNumThreads();
  try {
    for (const t of [1, 2]) {
      backend.setNumThreads(t);
      body(t);
    }
  } finally {
    backend.setNumThreads(before);
  }
}
