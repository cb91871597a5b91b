import { fail } from '../errors.js';

/**
 * References as sacreBLEU takes them: a list of reference streams, each with one line per hypothesis.
 * A `null` line means "no reference of this stream for that hypothesis" (a variable number of references);
 * an empty string is an empty reference (length 0), as sacreBLEU 2.6 keeps it.
 */
export type ReferenceStreams = readonly (readonly (string | null | undefined)[])[];

export interface Segments {
  /** The references of each hypothesis, streams in order, missing ones left out. */
  refs: string[][];
  /** References per hypothesis, or 'var' when it varies (as in sacreBLEU's signature). */
  nrefs: number | 'var';
}

/** Checks hypotheses against reference streams and regroups the references per hypothesis. */
export function segments(metric: string, hyps: readonly string[], streams: ReferenceStreams): Segments {
  if (!Array.isArray(hyps) || hyps.length === 0) fail('InvalidArgument', `${metric}: expected a non-empty list of hypotheses, got ${Array.isArray(hyps) ? 'an empty list' : typeof hyps}`);
  hyps.forEach((h, i) => {
    if (typeof h !== 'string') fail('InvalidArgument', `${metric}: hypothesis ${i + 1}: expected a string, got ${h === null ? 'null' : typeof h}`);
  });
  if (!Array.isArray(streams) || streams.length === 0) fail('InvalidArgument', `${metric}: expected at least one reference stream (string[][]), got none`);
  streams.forEach((stream, k) => {
    if (!Array.isArray(stream)) fail('InvalidArgument', `${metric}: reference stream ${k + 1}: expected a list of lines (references are string[][], one list per stream), got ${typeof stream}`);
    if (stream.length !== hyps.length) fail('ShapeMismatch', `${metric}: reference stream ${k + 1} has ${stream.length} lines, expected ${hyps.length} (one per hypothesis)`);
  });
  const counts = new Set<number>();
  const refs = hyps.map((_, i) => {
    const lines = streams.map((s) => s[i]).filter((r): r is string => r !== null && r !== undefined);
    if (lines.length === 0) fail('InvalidArgument', `${metric}: hypothesis ${i + 1} has no reference in any stream`);
    for (const r of lines) if (typeof r !== 'string') fail('InvalidArgument', `${metric}: a reference for hypothesis ${i + 1}: expected a string, got ${typeof r}`);
    counts.add(lines.length);
    return lines;
  });
  return { refs, nrefs: counts.size === 1 ? [...counts][0] : 'var' };
}
