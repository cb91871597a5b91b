import { fail } from '../../errors.js';
import { lmkitVersion } from '../../version.js';
import { segments, type ReferenceStreams } from '../streams.js';
import { charNgrams, clippedMatches, ngrams, total, type NgramCounts } from './ngrams.js';
import { pyFixed, pyRemoveWhitespace, pySplit } from './pystring.js';

export interface ChrfOptions {
  /** Character n-gram order (default 6). */
  charOrder?: number;
  /** Word n-gram order (default 0; 2 gives chrF++). */
  wordOrder?: number;
  /** Recall weight β (default 2). */
  beta?: number;
  /** Lower-case everything first (default false). */
  lowercase?: boolean;
  /** Keep whitespace inside character n-grams (default false). */
  whitespace?: boolean;
  /** chrF++.py's ε smoothing instead of sacreBLEU's effective-order average (default false). */
  epsSmoothing?: boolean;
}

export interface ChrfResult {
  /** chrF in [0, 100]. */
  score: number;
  /** 'chrF2', or 'chrF2++' with word order 2 (one '+' per word order, as sacreBLEU). */
  name: string;
  /** Summed [hypothesis n-grams, reference n-grams, matches] per order: chars 1..charOrder, then words 1..wordOrder. */
  statistics: number[];
  /** sacreBLEU's printed form, e.g. "chrF2 = 54.67". */
  formatted: string;
  /** A reproducibility signature in sacreBLEU's layout, e.g. "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:lmkit-0.1.0". */
  signature: string;
}

type Resolved = Required<ChrfOptions>;

const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');

function resolve(opts: ChrfOptions): Resolved {
  const o: Resolved = {
    charOrder: opts.charOrder ?? 6,
    wordOrder: opts.wordOrder ?? 0,
    beta: opts.beta ?? 2,
    lowercase: opts.lowercase ?? false,
    whitespace: opts.whitespace ?? false,
    epsSmoothing: opts.epsSmoothing ?? false,
  };
  for (const key of ['charOrder', 'wordOrder'] as const) {
    if (!Number.isInteger(o[key]) || o[key] < 0) fail('InvalidArgument', `chrf: ${key} must be a non-negative integer, got ${o[key]}`);
  }
  if (o.charOrder + o.wordOrder === 0) fail('InvalidArgument', 'chrf: charOrder + wordOrder must be at least 1, got 0');
  if (!(o.beta > 0)) fail('InvalidArgument', `chrf: beta must be positive, got ${o.beta}`);
  return o;
}

/**
 * chrF (Popović 2015) and chrF++ (Popović 2017) as sacreBLEU 2 computes them: character n-grams (1..6,
 * whitespace removed) and optionally word n-grams; per segment the reference with the best F-score is
 * kept; the corpus score comes from the summed statistics:
 *
 *   chrF_β = (1 + β²) P R / (β² P + R),  P, R = mean precision / recall over the orders that have n-grams
 *
 * Args:
 *   hyps: one hypothesis per segment. refs: reference streams, each with one line per hypothesis.
 *   opts: charOrder (6), wordOrder (0; 2 for chrF++), beta (2), lowercase, whitespace, epsSmoothing (false).
 */
export function corpusChrf(hyps: readonly string[], refs: ReferenceStreams, opts: ChrfOptions = {}): ChrfResult {
  const o = resolve(opts);
  const segs = segments('chrf', hyps, refs);
  const prepare = (s: string) => extract(o.lowercase ? s.toLowerCase() : s, o);
  const sums = new Array<number>(3 * (o.charOrder + o.wordOrder)).fill(0);
  hyps.forEach((hyp, i) => {
    const h = prepare(hyp);
    let best: number[] = [];
    let bestF = -1;
    for (const ref of segs.refs[i]) {
      const stats = statistics(h, prepare(ref));
      const f = fScore(stats, o);
      if (f > bestF) {
        bestF = f;
        best = stats;
      }
    }
    best.forEach((v, k) => (sums[k] += v));
  });
  const score = fScore(sums, o);
  const name = `chrF${o.beta}${'+'.repeat(o.wordOrder)}`;
  const signature = `nrefs:${segs.nrefs}|case:${o.lowercase ? 'lc' : 'mixed'}|eff:${o.epsSmoothing ? 'no' : 'yes'}|nc:${o.charOrder}|nw:${o.wordOrder}|space:${o.whitespace ? 'yes' : 'no'}|version:lmkit-${lmkitVersion()}`;
  return { score, name, statistics: sums, formatted: `${name} = ${pyFixed(score, 2)}`, signature };
}

/** chrF of one hypothesis against its references (the best-scoring one counts). */
export function sentenceChrf(hyp: string, refs: readonly string[], opts: ChrfOptions = {}): ChrfResult {
  if (typeof refs === 'string' || !Array.isArray(refs)) fail('InvalidArgument', 'sentenceChrf: refs must be a list of reference strings, got a string');
  return corpusChrf([hyp], refs.map((r) => [r]), opts);
}

/** Character n-grams of orders 1..charOrder, then word n-grams of orders 1..wordOrder. */
function extract(line: string, o: Resolved): NgramCounts[] {
  const chars = o.whitespace ? line : pyRemoveWhitespace(line);
  const out: NgramCounts[] = [];
  for (let n = 1; n <= o.charOrder; n++) out.push(charNgrams(chars, n));
  if (o.wordOrder > 0) {
    const words = splitPunctuation(line);
    for (let n = 1; n <= o.wordOrder; n++) out.push(ngrams(words, n, ' '));
  }
  return out;
}

/** chrF++'s word split: whitespace, then one ASCII punctuation mark off the end (else the start) of a word. */
function splitPunctuation(line: string): string[] {
  const words: string[] = [];
  for (const w of pySplit(line)) {
    if (Array.from(w).length === 1) words.push(w);
    else if (PUNCTUATION.has(w[w.length - 1])) words.push(w.slice(0, -1), w[w.length - 1]);
    else if (PUNCTUATION.has(w[0])) words.push(w[0], w.slice(1));
    else words.push(w);
  }
  return words;
}

/** [hyp n-grams (0 when the reference has none), ref n-grams, matches] per order. */
function statistics(hyp: NgramCounts[], ref: NgramCounts[]): number[] {
  const stats: number[] = [];
  hyp.forEach((h, n) => {
    const refTotal = total(ref[n]);
    stats.push(ref[n].size > 0 ? total(h) : 0, refTotal, clippedMatches(h, ref[n]));
  });
  return stats;
}

function fScore(stats: readonly number[], o: Resolved): number {
  const eps = 1e-16;
  const factor = o.beta ** 2;
  const orders = o.charOrder + o.wordOrder;
  let epsScore = 0;
  let precision = 0;
  let recall = 0;
  let effective = 0;
  for (let i = 0; i < orders; i++) {
    const [nHyp, nRef, nMatch] = stats.slice(3 * i, 3 * i + 3);
    const p = nHyp > 0 ? nMatch / nHyp : eps;
    const r = nRef > 0 ? nMatch / nRef : eps;
    const denom = factor * p + r;
    epsScore += denom > 0 ? ((1 + factor) * p * r) / denom : eps;
    if (nHyp > 0 && nRef > 0) {
      precision += p;
      recall += r;
      effective++;
    }
  }
  if (o.epsSmoothing) return (100 * epsScore) / orders;
  if (effective === 0) return 0;
  precision /= effective;
  recall /= effective;
  if (precision + recall === 0) return 0;
  return 100 * (((1 + factor) * precision * recall) / (factor * precision + recall));
}
