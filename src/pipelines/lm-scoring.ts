import { logSoftmax } from '../autograd/ops/index.js';
import { noGrad } from '../autograd/graph.js';
import { fail } from '../errors.js';
import type { CausalLM } from '../generation/types.js';
import { tensor } from '../tensor/create.js';

/** Anything that turns text into ids (a Tokenizer does). */
export interface TextToIds {
  encodeIds(text: string, opts?: { addSpecialTokens?: boolean }): number[];
}

export interface ScoreOptions {
  /**
   * Prepended as context so the first token is scored too (GPT-2: <|endoftext|>, 50256). Default null:
   * the first token has no context and is not scored.
   */
  bosTokenId?: number | null;
  /** Appended and scored: the probability that the sentence ends there. Default null (not scored). */
  eosTokenId?: number | null;
  /** Sentences per forward pass (right-padded). Default 16. */
  batchSize?: number;
  /** Id that fills padded positions (never scored). Default 0. */
  padTokenId?: number;
}

/** One sentence's log-probabilities (natural log) under the LM. */
export interface SentenceScore {
  text: string;
  /** The scored token ids (after BOS, including EOS when asked for). */
  tokens: number[];
  /** log p(token_i | tokens before it), one per scored token. */
  tokenLogprobs: number[];
  /** The sum of tokenLogprobs: log p(sentence). */
  logprob: number;
  /** logprob / number of scored tokens (0 when none were scored). */
  meanLogprob: number;
}

/**
 * Total and per-token log-probabilities of sentences under a causal LM (GPT, LSTM/GRU LM): each token is
 * scored by log_softmax(logits at the position before it). Sentences run in right-padded batches; a
 * causal model's logits at real positions do not see the padding after them.
 */
export function scoreSentences(model: CausalLM, tokenizer: TextToIds, texts: readonly string[], opts: ScoreOptions = {}): SentenceScore[] {
  const bos = opts.bosTokenId ?? null;
  const eos = opts.eosTokenId ?? null;
  const pad = opts.padTokenId ?? 0;
  const batchSize = opts.batchSize ?? 16;
  if (!Number.isInteger(batchSize) || batchSize < 1) fail('InvalidArgument', `scoreSentences: batchSize must be a positive integer, got ${batchSize}`);
  const rows = texts.map((text) => [
    ...(bos !== null ? [bos] : []), ...tokenizer.encodeIds(text, { addSpecialTokens: false }), ...(eos !== null ? [eos] : []),
  ]);
  const limit = model.maxPositions ?? Infinity;
  rows.forEach((r, i) => {
    if (r.length > limit) fail('InvalidArgument', `scoreSentences: sentence ${i} has ${r.length} tokens, more than the model's ${limit} positions`);
  });
  const out: SentenceScore[] = [];
  const wasTraining = (model as { training?: boolean }).training;
  const setMode = (model as { train?: (mode: boolean) => unknown }).train;
  if (wasTraining && setMode) setMode.call(model, false);
  try {
    for (let at = 0; at < rows.length; at += batchSize) {
      const batch = rows.slice(at, at + batchSize);
      const T = Math.max(1, ...batch.map((r) => r.length));
      const ids = new Int32Array(batch.length * T).fill(pad);
      batch.forEach((r, b) => ids.set(r, b * T));
      const logp = noGrad(() => logSoftmax(model.forward(tensor(ids, { shape: [batch.length, T] })), -1));
      const V = logp.shape[2];
      const data = logp.contiguous().data;
      batch.forEach((r, b) => {
        const tokenLogprobs: number[] = [];
        for (let t = 1; t < r.length; t++) tokenLogprobs.push(data[(b * T + t - 1) * V + r[t]]);
        const logprob = tokenLogprobs.reduce((s, x) => s + x, 0);
        out.push({ text: texts[at + b], tokens: r.slice(1), tokenLogprobs, logprob, meanLogprob: tokenLogprobs.length > 0 ? logprob / tokenLogprobs.length : 0 });
      });
    }
  } finally {
    if (wasTraining && setMode) setMode.call(model, true);
  }
  return out;
}

/** An n-best entry from a recognizer: a text and its acoustic (or first-pass) log score. */
export interface NBestHypothesis {
  text: string;
  acousticScore: number;
}

export interface RescoreOptions extends ScoreOptions {
  /** Weight of the LM log-probability. Default 1. */
  lmWeight?: number;
  /** Added per word (a word-insertion bonus; negative to penalize length). Default 0. */
  lengthPenalty?: number;
  /** Use the LM's mean per-token log-probability instead of the total. Default false. */
  lengthNormalize?: boolean;
}

export interface RescoredHypothesis extends NBestHypothesis {
  /** The LM's log-probability (total, or per token with lengthNormalize). */
  lmScore: number;
  /** Words in the text (split on whitespace). */
  words: number;
  /** acousticScore + lmWeight · lmScore + lengthPenalty · words. */
  score: number;
}

/**
 * Second-pass rescoring of an n-best list (speech recognition, or any first pass): each hypothesis gets
 * score = acousticScore + lmWeight · log p_LM(text) + lengthPenalty · words, and the list comes back
 * best first (ties keep the input order).
 */
export function rescoreNBest(model: CausalLM, tokenizer: TextToIds, hypotheses: readonly NBestHypothesis[], opts: RescoreOptions = {}): RescoredHypothesis[] {
  const lmWeight = opts.lmWeight ?? 1;
  const lengthPenalty = opts.lengthPenalty ?? 0;
  const scores = scoreSentences(model, tokenizer, hypotheses.map((h) => h.text), opts);
  return hypotheses.map((h, i) => {
    const lmScore = opts.lengthNormalize ? scores[i].meanLogprob : scores[i].logprob;
    const words = h.text.split(/\s+/).filter((w) => w !== '').length;
    return { ...h, lmScore, words, score: h.acousticScore + lmWeight * lmScore + lengthPenalty * words, index: i };
  }).sort((a, b) => b.score - a.score || a.index - b.index).map(({ index: _i, ...rest }) => rest);
}
