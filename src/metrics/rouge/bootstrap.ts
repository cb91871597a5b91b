import { fail } from '../../errors.js';
import { Generator } from '../../tensor/random.js';
import type { RougeScore, RougeScores, RougeType } from './rouge.js';

export interface BootstrapOptions {
  /** Resamples of the corpus (default 1000, as rouge-score). */
  samples?: number;
  /** Width of the interval (default 0.95: the 2.5th and 97.5th percentiles). */
  confidence?: number;
  /** Seed of the resampling (default 0), so that a report can be repeated. */
  seed?: number;
}

/** The low, mid (median) and high percentile of the bootstrap means of each measure. */
export interface RougeInterval {
  low: RougeScore;
  mid: RougeScore;
  high: RougeScore;
}

const MEASURES = ['precision', 'recall', 'fmeasure'] as const;

/**
 * rouge-score's BootstrapAggregator: resample the segments with replacement `samples` times, take the mean
 * of each measure per resample, and report the (1 - confidence)/2, 0.5 and (1 + confidence)/2 percentiles
 * of those means (linear interpolation, as numpy.percentile). The resamples come from a seeded generator,
 * not numpy's, so the bounds agree with rouge-score's in distribution, not digit for digit.
 */
export function bootstrapRouge(segments: readonly RougeScores[], opts: BootstrapOptions = {}): Partial<Record<RougeType, RougeInterval>> {
  const samples = opts.samples ?? 1000;
  const confidence = opts.confidence ?? 0.95;
  if (!Number.isInteger(samples) || samples < 1) fail('InvalidArgument', `bootstrapRouge: samples must be a positive integer, got ${samples}`);
  if (!(confidence > 0 && confidence < 1)) fail('InvalidArgument', `bootstrapRouge: confidence must be in (0, 1), got ${confidence}`);
  if (segments.length === 0) fail('InvalidArgument', 'bootstrapRouge: expected per-segment scores, got none');
  const rng = new Generator(opts.seed ?? 0);
  const n = segments.length;
  const picks = Array.from({ length: samples }, () => Array.from({ length: n }, () => rng.randint(0, n)));
  const delta = (1 - confidence) / 2;
  const out: Partial<Record<RougeType, RougeInterval>> = {};
  for (const type of Object.keys(segments[0]) as RougeType[]) {
    const interval = { low: {}, mid: {}, high: {} } as Record<keyof RougeInterval, RougeScore>;
    for (const m of MEASURES) {
      const values = segments.map((s) => s[type]![m]);
      const means = picks.map((idx) => idx.reduce((sum, i) => sum + values[i], 0) / n).sort((a, b) => a - b);
      interval.low[m] = percentile(means, delta);
      interval.mid[m] = percentile(means, 0.5);
      interval.high[m] = percentile(means, 1 - delta);
    }
    out[type] = interval;
  }
  return out;
}

/** numpy.percentile's default (linear) of sorted values at fraction q. */
function percentile(sorted: readonly number[], q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
