import { fail } from '../../errors.js';
import { ngrams, type NgramCounts } from '../bleu/ngrams.js';
import { segments, type ReferenceStreams } from '../streams.js';
import { lcsIndices, lcsLength } from './lcs.js';
import { rougeTokens, type RougeTokenizer } from './tokenize.js';

/** 'rouge1' … 'rouge9' (n-gram overlap), 'rougeL' (LCS of the whole text), 'rougeLsum' (summary-level LCS). */
export type RougeType = 'rouge1' | 'rouge2' | 'rouge3' | 'rouge4' | 'rouge5' | 'rouge6' | 'rouge7' | 'rouge8' | 'rouge9' | 'rougeL' | 'rougeLsum';

export const ROUGE_TYPES: readonly RougeType[] = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'];

export interface RougeScore {
  precision: number;
  recall: number;
  /** F1 = 2PR / (P + R), 0 when P + R = 0. */
  fmeasure: number;
}

export interface RougeOptions {
  /** Which scores to compute (default rouge1, rouge2, rougeL, rougeLsum). */
  types?: readonly RougeType[];
  /** Porter-stem tokens longer than 3 characters (rouge-score's use_stemmer; default false). */
  stem?: boolean;
  /** 'default' (rouge-score's: [a-z0-9] only), 'cjk' (also every CJK character a token) or a function. */
  tokenizer?: RougeTokenizer;
}

export type RougeScores = Partial<Record<RougeType, RougeScore>>;

const fmeasure = (precision: number, recall: number) => (precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0);
const score = (precision: number, recall: number): RougeScore => ({ precision, recall, fmeasure: fmeasure(precision, recall) });
const ZERO: RougeScore = { precision: 0, recall: 0, fmeasure: 0 };

function checkTypes(types: readonly string[]): RougeType[] {
  if (!Array.isArray(types) || types.length === 0) fail('InvalidArgument', 'rouge: types must list at least one of rouge1..rouge9, rougeL, rougeLsum');
  for (const t of types) if (!/^rouge([1-9]|L|Lsum)$/.test(t)) fail('InvalidArgument', `rouge: unknown type "${t}": expected rouge1..rouge9, rougeL or rougeLsum`);
  return types as RougeType[];
}

/**
 * ROUGE of one prediction against one or more references, as Google's rouge-score computes it
 * (RougeScorer.score / score_multi):
 * - rougeN: clipped n-gram overlap; P = overlap / prediction n-grams, R = overlap / reference n-grams.
 * - rougeL: P = LCS / prediction length, R = LCS / reference length, over the whole text.
 * - rougeLsum: summary-level LCS (Lin 2004, §3.2) over sentences split at newlines: each reference sentence
 *   is matched against the union of its LCSs with every prediction sentence, no token counted twice.
 * With several references, each type keeps the reference with the highest F-measure.
 */
export function sentenceRouge(prediction: string, references: string | readonly string[], opts: RougeOptions = {}): RougeScores {
  const refs = typeof references === 'string' ? [references] : references;
  if (!Array.isArray(refs) || refs.length === 0) fail('InvalidArgument', 'rouge: expected at least one reference, got none');
  const scorer = new Scorer(opts);
  const pred = scorer.prepare(prediction);
  const perRef = refs.map((r) => scorer.score(scorer.prepare(r), pred));
  const out: RougeScores = {};
  for (const t of scorer.types) {
    let best = perRef[0][t]!;
    for (const s of perRef) if (s[t]!.fmeasure > best.fmeasure) best = s[t]!;
    out[t] = best;
  }
  return out;
}

export interface CorpusRougeResult {
  /** Per type, the mean precision, recall and F-measure over the segments. */
  scores: RougeScores;
  /** Per segment, the scores of `sentenceRouge`. */
  segments: RougeScores[];
}

/**
 * ROUGE of a corpus: `sentenceRouge` per segment, then the mean of each precision, recall and F-measure
 * (rouge-score's plain averaging; `bootstrapRouge(result.segments)` gives its bootstrap intervals).
 *
 * Args:
 *   predictions: one text per segment. references: reference streams, each with one text per prediction.
 *   opts: types, stem (false), tokenizer ('default').
 */
export function corpusRouge(predictions: readonly string[], references: ReferenceStreams, opts: RougeOptions = {}): CorpusRougeResult {
  const segs = segments('rouge', predictions, references);
  const types = checkTypes(opts.types ?? ROUGE_TYPES);
  const perSegment = predictions.map((p, i) => sentenceRouge(p, segs.refs[i], { ...opts, types }));
  const scores: RougeScores = {};
  for (const t of types) {
    const mean = (key: keyof RougeScore) => perSegment.reduce((sum, s) => sum + s[t]![key], 0) / perSegment.length;
    scores[t] = { precision: mean('precision'), recall: mean('recall'), fmeasure: mean('fmeasure') };
  }
  return { scores, segments: perSegment };
}

interface Prepared {
  text: string;
  tokens: string[];
}

class Scorer {
  readonly types: RougeType[];
  private readonly tokenize: (text: string) => string[];

  constructor(opts: RougeOptions) {
    this.types = checkTypes(opts.types ?? ROUGE_TYPES);
    const tokenizer = opts.tokenizer ?? 'default';
    const stem = opts.stem ?? false;
    this.tokenize = (text) => rougeTokens(text, tokenizer, stem);
  }

  prepare(text: string): Prepared {
    if (typeof text !== 'string') fail('InvalidArgument', `rouge: expected a string, got ${text === null ? 'null' : typeof text}`);
    return { text, tokens: this.types.some((t) => t !== 'rougeLsum') ? this.tokenize(text) : [] };
  }

  score(target: Prepared, prediction: Prepared): RougeScores {
    const out: RougeScores = {};
    for (const t of this.types) {
      if (t === 'rougeL') out[t] = lcsScore(target.tokens, prediction.tokens);
      else if (t === 'rougeLsum') out[t] = summaryLcsScore(this.sentences(target.text), this.sentences(prediction.text));
      else out[t] = ngramScore(target.tokens, prediction.tokens, Number(t.slice(5)));
    }
    return out;
  }

  private sentences(text: string): string[][] {
    return text.split('\n').filter((s) => s.length > 0).map(this.tokenize);
  }
}

function ngramScore(target: string[], prediction: string[], n: number): RougeScore {
  const t: NgramCounts = ngrams(target, n, '\u0000');
  const p: NgramCounts = ngrams(prediction, n, '\u0000');
  let overlap = 0;
  for (const [key, c] of t) overlap += Math.min(c, p.get(key) ?? 0);
  const count = (m: NgramCounts) => [...m.values()].reduce((a, b) => a + b, 0);
  return score(overlap / Math.max(count(p), 1), overlap / Math.max(count(t), 1));
}

function lcsScore(target: string[], prediction: string[]): RougeScore {
  if (target.length === 0 || prediction.length === 0) return ZERO;
  const lcs = lcsLength(target, prediction);
  return score(lcs / prediction.length, lcs / target.length);
}

function summaryLcsScore(refSents: string[][], candSents: string[][]): RougeScore {
  const m = refSents.reduce((s, x) => s + x.length, 0);
  const n = candSents.reduce((s, x) => s + x.length, 0);
  if (m === 0 || n === 0) return ZERO;
  const refLeft = tokenCounts(refSents);
  const candLeft = tokenCounts(candSents);
  let hits = 0;
  for (const ref of refSents) {
    const union = new Set<number>();
    for (const cand of candSents) for (const i of lcsIndices(ref, cand)) union.add(i);
    for (const i of [...union].sort((a, b) => a - b)) {
      const tok = ref[i];
      if ((candLeft.get(tok) ?? 0) > 0 && (refLeft.get(tok) ?? 0) > 0) {
        hits++;
        candLeft.set(tok, candLeft.get(tok)! - 1);
        refLeft.set(tok, refLeft.get(tok)! - 1);
      }
    }
  }
  return score(hits / n, hits / m);
}

function tokenCounts(sents: string[][]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of sents) for (const t of s) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}
