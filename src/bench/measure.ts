import { backend } from '../backend/index.js';
import { lmkitVersion } from '../version.js';

export { lmkitVersion };

/** Best and median wall time, seconds. */
export interface Timing {
  best: number;
  median: number;
}

/**
 * Runs `fn` `warmup` times, then `reps` timed times; the best and median wall time in seconds
 * (the same statistic as torch_peer.py's timed(), so that figures compare).
 */
export function timed(fn: () => void, warmup: number, reps: number): Timing {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    times.push((performance.now() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  return { best: times[0], median: times[Math.floor(times.length / 2)] };
}

/** As `timed`, for asynchronous work (e.g. generation loops that await). */
export async function timedAsync(fn: () => Promise<unknown>, warmup: number, reps: number): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    await fn();
    times.push((performance.now() - t) / 1000);
  }
  times.sort((a, b) => a - b);
  return { best: times[0], median: times[Math.floor(times.length / 2)] };
}

/** `x` rounded to `digits` decimals. */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The process's peak resident memory so far, MB. */
export function peakRssMb(): number {
  return round(process.resourceUsage().maxRSS / 1024, 1);
}

/** The `impl` of lmkit's records: "lmkit-<version>-<backend>", e.g. "lmkit-0.1.0-native". */
export function lmkitImpl(): string {
  return `lmkit-${lmkitVersion()}-${backend().name}`;
}
