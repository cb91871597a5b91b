import type { BenchRecord } from './types.js';

/** How a suite's records are compared: the headline figure and the figures shown beside it. */
export interface FigureSpec {
  field: string;
  higherIsBetter: boolean;
  extra: readonly string[];
}

/** Figures of the suites of shared/bench/README.md (a suite's own `figure` takes precedence). */
export const KNOWN_FIGURES: Record<string, FigureSpec> = {
  smallop: { field: 'calls_per_s', higherIsBetter: true, extra: ['us_per_call'] },
  gemm: { field: 'gflops', higherIsBetter: true, extra: ['median_gflops'] },
  gpt_train: { field: 'tokens_per_s', higherIsBetter: true, extra: ['ms_per_step'] },
  lstm_train: { field: 'tokens_per_s', higherIsBetter: true, extra: ['ms_per_step'] },
  gpt_generate: { field: 'tokens_per_s', higherIsBetter: true, extra: ['ms_per_token'] },
  bert_forward: { field: 'sequences_per_s', higherIsBetter: true, extra: ['ms_per_batch'] },
};

/** The case a record measures within its suite ("512x768x3072", "small", or "" for one-case suites). */
export function caseOf(r: BenchRecord): string {
  if (Array.isArray(r.shape)) return r.shape.join('x');
  if (typeof r.model === 'string') return r.model;
  return '';
}

export const isLmkit = (r: BenchRecord): boolean => r.impl.startsWith('lmkit');

/**
 * lmkit's figure over the peer's, oriented so that > 1 means lmkit is faster; null when either is missing.
 */
export function ratio(lmkit: BenchRecord | undefined, peer: BenchRecord, spec: FigureSpec): number | null {
  const a = lmkit?.[spec.field];
  const b = peer[spec.field];
  if (typeof a !== 'number' || typeof b !== 'number' || a <= 0 || b <= 0) return null;
  return spec.higherIsBetter ? a / b : b / a;
}

/**
 * Each implementation's best record per case (highest headline figure, lowest when lower is better): on a
 * shared machine the least disturbed of several rounds is the closest to the true speed of each.
 */
export function bestOf(records: readonly BenchRecord[], spec: FigureSpec): BenchRecord[] {
  const best = new Map<string, BenchRecord>();
  for (const r of records) {
    const key = `${r.impl}\u0000${caseOf(r)}`;
    const held = best.get(key);
    const v = r[spec.field];
    const w = held?.[spec.field];
    if (!held || (typeof v === 'number' && (typeof w !== 'number' || (spec.higherIsBetter ? v > w : v < w)))) best.set(key, r);
  }
  return [...best.values()];
}

function show(v: unknown): string {
  if (v === undefined || v === null) return '-';
  if (typeof v === 'number') return String(v);
  return String(v);
}

/** A plain-text table of one suite's records: each figure, and lmkit/peer on the headline figure. */
export function formatTable(suite: string, records: readonly BenchRecord[], spec: FigureSpec): string {
  const cases = [...new Set(records.map(caseOf))];
  const hasCase = cases.some((c) => c !== '');
  const header = ['impl', 'threads', ...(hasCase ? ['case'] : []), spec.field, ...spec.extra, 'peak_rss_mb', 'lmkit/peer'];
  const rows: string[][] = [];
  for (const c of cases) {
    const inCase = records.filter((r) => caseOf(r) === c);
    const mine = inCase.filter(isLmkit);
    const lmkit = mine[0];
    for (const r of [...mine, ...inCase.filter((x) => !isLmkit(x))]) {
      const q = isLmkit(r) ? null : ratio(lmkit, r, spec);
      rows.push([
        r.impl, show(r.threads), ...(hasCase ? [c] : []), show(r[spec.field]), ...spec.extra.map((f) => show(r[f])),
        show(r.peak_rss_mb), q === null ? '' : `${q.toFixed(q < 0.1 ? 3 : 2)}x`,
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((s, i) => (i === 0 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join('  ');
  const direction = spec.higherIsBetter ? 'higher is better' : 'lower is better';
  return [
    `== ${suite} (${spec.field}: ${direction}; lmkit/peer > 1: lmkit faster) ==`,
    line(header),
    ...rows.map(line),
  ].join('\n');
}
