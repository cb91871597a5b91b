import { fail } from '../../errors.js';
import { lmkitVersion } from '../../version.js';
import { segments, type ReferenceStreams } from '../streams.js';
import { clippedMatches, ngramsByOrder, total, type NgramCounts } from './ngrams.js';
import { pyFixed, pyRstrip, pySplit } from './pystring.js';
import { bleuTokenizer, type BleuTokenizerName } from './tokenizers.js';

export type BleuSmoothing = 'exp' | 'floor' | 'add-k' | 'none';

/** The smoothing value each method uses when none is given (Chen & Cherry 2014, as sacreBLEU). */
const SMOOTH_DEFAULTS: Record<BleuSmoothing, number | null> = { exp: null, floor: 0.1, 'add-k': 1, none: null };

export interface BleuOptions {
  /** Tokenizer applied to hypotheses and references (default '13a'; 'zh' for Chinese). */
  tokenize?: BleuTokenizerName;
  /** Lower-case everything first (default false). */
  lowercase?: boolean;
  /** Smoothing of zero n-gram matches (default 'exp'). */
  smooth?: BleuSmoothing;
  /** The value for 'floor' (default 0.1) and 'add-k' (default 1). */
  smoothValue?: number;
  /** Highest n-gram order (default 4). */
  maxOrder?: number;
  /** Average only over the orders the hypothesis has n-grams of (default: false for corpus, true for sentence BLEU). */
  effectiveOrder?: boolean;
}

export interface BleuResult {
  /** BLEU in [0, 100]. */
  score: number;
  /** Clipped n-gram matches per order (plus k for orders ≥ 2 under 'add-k' smoothing, as sacreBLEU reports them). */
  counts: number[];
  /** Hypothesis n-grams per order (plus k for orders ≥ 2 under 'add-k'). */
  totals: number[];
  /** n-gram precisions in percent, after smoothing. */
  precisions: number[];
  /** Brevity penalty. */
  bp: number;
  /** Hypothesis length in tokens (sacreBLEU's sys_len). */
  sysLen: number;
  /** Effective reference length: per segment the closest reference length, shorter on ties (sacreBLEU's ref_len). */
  refLen: number;
  /** sysLen / refLen (0 when refLen is 0). */
  ratio: number;
  /** sacreBLEU's printed form: "BLEU = 35.12 66.7/41.2/28.1/19.8 (BP = 1.000 ratio = 1.000 hyp_len = … ref_len = …)". */
  formatted: string;
  /** A reproducibility signature in sacreBLEU's layout, e.g. "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:lmkit-0.1.0". */
  signature: string;
}

interface Resolved {
  tokenize: BleuTokenizerName;
  lowercase: boolean;
  smooth: BleuSmoothing;
  smoothValue?: number;
  maxOrder: number;
  effectiveOrder: boolean;
}

function resolve(opts: BleuOptions, effectiveOrderDefault: boolean): Resolved {
  const smooth = opts.smooth ?? 'exp';
  if (!(smooth in SMOOTH_DEFAULTS)) fail('InvalidArgument', `bleu: smooth must be one of ${Object.keys(SMOOTH_DEFAULTS).join(', ')}, got "${smooth}"`);
  const maxOrder = opts.maxOrder ?? 4;
  if (!Number.isInteger(maxOrder) || maxOrder < 1) fail('InvalidArgument', `bleu: maxOrder must be a positive integer, got ${maxOrder}`);
  return {
    tokenize: opts.tokenize ?? '13a',
    lowercase: opts.lowercase ?? false,
    smooth,
    smoothValue: opts.smoothValue ?? SMOOTH_DEFAULTS[smooth] ?? undefined,
    maxOrder,
    effectiveOrder: opts.effectiveOrder ?? effectiveOrderDefault,
  };
}

/**
 * Corpus BLEU (Papineni et al. 2002) exactly as sacreBLEU 2 computes it: n-gram matches clipped by the
 * maximum count over the references, summed over the corpus, then
 *
 *   BLEU = BP · exp((1/N) Σ_n log p_n),  BP = min(1, exp(1 - r/c))
 *
 * with c the hypothesis length and r the sum over segments of the reference length closest to the hypothesis.
 *
 * Args:
 *   hyps: one detokenized hypothesis per segment.
 *   refs: reference streams, each with one line per hypothesis (`[refs]` for a single reference).
 *   opts: tokenize ('13a'), lowercase (false), smooth ('exp'), smoothValue, maxOrder (4), effectiveOrder (false).
 */
export function corpusBleu(hyps: readonly string[], refs: ReferenceStreams, opts: BleuOptions = {}): BleuResult {
  const o = resolve(opts, false);
  const segs = segments('bleu', hyps, refs);
  const tokenizer = bleuTokenizer(o.tokenize);
  const prepare = (line: string) => pySplit(tokenizer(pyRstrip(o.lowercase ? line.toLowerCase() : line)));
  const correct = new Array<number>(o.maxOrder).fill(0);
  const totals = new Array<number>(o.maxOrder).fill(0);
  let sysLen = 0;
  let refLen = 0;
  hyps.forEach((hyp, i) => {
    const refTokens = segs.refs[i].map(prepare);
    const hypTokens = prepare(hyp);
    sysLen += hypTokens.length;
    refLen += closestRefLength(hypTokens.length, refTokens.map((t) => t.length));
    const refNgrams = maxCounts(refTokens.map((t) => ngramsByOrder(t, o.maxOrder)));
    ngramsByOrder(hypTokens, o.maxOrder).forEach((counts, n) => {
      correct[n] += clippedMatches(counts, refNgrams[n]);
      totals[n] += total(counts);
    });
  });
  return computeBleu(correct, totals, sysLen, refLen, o, signature(o, segs.nrefs));
}

/**
 * Sentence BLEU as sacreBLEU's `sentence_bleu`: corpus BLEU of one segment, with effective order on by
 * default (orders the hypothesis is too short for do not zero the score).
 */
export function sentenceBleu(hyp: string, refs: readonly string[], opts: BleuOptions = {}): BleuResult {
  if (typeof refs === 'string' || !Array.isArray(refs)) fail('InvalidArgument', 'sentenceBleu: refs must be a list of reference strings, got a string');
  return corpusBleu([hyp], refs.map((r) => [r]), { ...opts, effectiveOrder: opts.effectiveOrder ?? true });
}

/** Per segment: the reference length closest to the hypothesis length, the shorter one on a tie. */
function closestRefLength(hypLen: number, refLens: number[]): number {
  let best = -1;
  let bestDiff = -1;
  for (const len of refLens) {
    const diff = Math.abs(hypLen - len);
    if (bestDiff === -1 || diff < bestDiff || (diff === bestDiff && len < best)) {
      bestDiff = diff;
      best = len;
    }
  }
  return best;
}

/** Per order, the maximum count of each n-gram over the references. */
function maxCounts(perRef: NgramCounts[][]): NgramCounts[] {
  const [first, ...rest] = perRef;
  for (const other of rest) {
    other.forEach((counts, n) => {
      for (const [key, c] of counts) if (c > (first[n].get(key) ?? 0)) first[n].set(key, c);
    });
  }
  return first;
}

/**
 * BLEU from its sufficient statistics (sacreBLEU's compute_bleu). `correct` and `totals` are copied, then
 * smoothed as sacreBLEU does: 'exp' gives the k-th zero-match order precision 1 / (2^k · total); 'floor' gives
 * it smoothValue / total; 'add-k' adds k to matches and totals of orders ≥ 2. Without any match the score is 0.
 */
export function computeBleu(correct: readonly number[], totals: readonly number[], sysLen: number, refLen: number,
  opts: BleuOptions = {}, sig?: string): BleuResult {
  const o = resolve({ ...opts, maxOrder: opts.maxOrder ?? correct.length }, false);
  const counts = correct.slice();
  const tots = totals.slice();
  const bp = sysLen < refLen ? (sysLen > 0 ? Math.exp(1 - refLen / sysLen) : 0) : 1;
  const precisions = new Array<number>(o.maxOrder).fill(0);
  let score = 0;
  if (counts.some((c) => c !== 0)) {
    const k = o.smoothValue ?? 0;
    let expFactor = 1;
    let order = o.maxOrder;
    for (let n = 0; n < o.maxOrder; n++) {
      if (o.smooth === 'add-k' && n > 0) {
        counts[n] += k;
        tots[n] += k;
      }
      if (tots[n] === 0) break;
      if (o.effectiveOrder) order = n + 1;
      if (counts[n] !== 0) precisions[n] = (100 * counts[n]) / tots[n];
      else if (o.smooth === 'exp') {
        expFactor *= 2;
        precisions[n] = 100 / (expFactor * tots[n]);
      } else if (o.smooth === 'floor') precisions[n] = (100 * k) / tots[n];
    }
    let logSum = 0;
    for (let n = 0; n < order; n++) logSum += precisions[n] === 0 ? -9999999999 : Math.log(precisions[n]);
    score = bp * Math.exp(logSum / order);
  }
  const ratio = refLen ? sysLen / refLen : 0;
  const formatted = `BLEU = ${pyFixed(score, 2)} ${precisions.map((p) => pyFixed(p, 1)).join('/')} (BP = ${pyFixed(bp, 3)} ratio = ${pyFixed(ratio, 3)} hyp_len = ${sysLen} ref_len = ${refLen})`;
  return { score, counts, totals: tots, precisions, bp, sysLen, refLen, ratio, formatted, signature: sig ?? signature(o, 1) };
}

function signature(o: Resolved, nrefs: number | 'var'): string {
  const smoothDefault = SMOOTH_DEFAULTS[o.smooth];
  const smooth = smoothDefault === null ? o.smooth : `${o.smooth}[${pyFixed(o.smoothValue ?? smoothDefault, 2)}]`;
  return `nrefs:${nrefs}|case:${o.lowercase ? 'lc' : 'mixed'}|eff:${o.effectiveOrder ? 'yes' : 'no'}|tok:${o.tokenize}|smooth:${smooth}|version:lmkit-${lmkitVersion()}`;
}
