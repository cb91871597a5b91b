import { fail } from '../errors.js';
import { generateSeq2Seq } from '../generation/seq2seq.js';
import type { EncoderDecoderLM, GenerationOptions } from '../generation/types.js';
import type { Tokenizer } from '../tokenizers/tokenizer.js';

/** A source text's encoder input: its tokens, then EOS (how lmkit train-seq2seq builds sources). */
export interface Seq2SeqTokenizers {
  source: Tokenizer;
  /** Default: the source tokenizer (a joint vocabulary). */
  target?: Tokenizer;
}

export interface TranslationOptions extends Partial<GenerationOptions> {
  /** Texts encoded and decoded together (default 16). */
  batchSize?: number;
  /** Cut each source to this many tokens (before EOS); default: the model's limit. */
  maxSourceTokens?: number;
}

/** The model a translation pipeline drives: an encoder-decoder with its EOS id (to end sources). */
export interface TranslationModel extends EncoderDecoderLM {
  readonly config: { eosTokenId: number; maxPositions: number };
}

/** One source text as encoder ids: its tokens (no special tokens), cut to fit, then EOS. */
export function sourceIds(model: TranslationModel, tokenizer: Tokenizer, text: string, maxSourceTokens?: number): number[] {
  const limit = Math.min(maxSourceTokens ?? Infinity, model.config.maxPositions - 1);
  return [...tokenizer.encodeIds(text, { addSpecialTokens: false }).slice(0, limit), model.config.eosTokenId];
}

/**
 * Translates (or summarizes: the same machinery) texts with an encoder-decoder model, Hugging Face's
 * `translation` / `summarization` pipelines: each text is tokenized, ended with EOS, encoded, and decoded
 * with `generateSeq2Seq` (greedy by default; numBeams, lengthPenalty, maxNewTokens (default 64, or fewer when
 * the model has fewer positions), ... as options).
 * Returns one string per text (with numReturnSequences k > 1: k strings per text, best first).
 *
 * Example: `translate(model, { source: tok }, 'A man rides a bike.', { numBeams: 5, maxNewTokens: 64 })`.
 */
export function translate(model: TranslationModel, tokenizers: Seq2SeqTokenizers, text: string, opts?: TranslationOptions): string;
export function translate(model: TranslationModel, tokenizers: Seq2SeqTokenizers, texts: string[], opts?: TranslationOptions): string[];
export function translate(model: TranslationModel, tokenizers: Seq2SeqTokenizers, input: string | string[], opts: TranslationOptions = {}): string | string[] {
  const { batchSize = 16, maxSourceTokens, ...generation } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1) fail('InvalidArgument', `translate: batchSize must be a positive integer, got ${batchSize}`);
  const texts = typeof input === 'string' ? [input] : input;
  const target = tokenizers.target ?? tokenizers.source;
  const out: string[] = [];
  for (let at = 0; at < texts.length; at += batchSize) {
    const batch = texts.slice(at, at + batchSize).map((t) => sourceIds(model, tokenizers.source, t, maxSourceTokens));
    const { texts: decoded } = generateSeq2Seq(model, batch, { maxNewTokens: Math.min(64, model.config.maxPositions - 1), ...generation, tokenizer: target });
    out.push(...decoded!.map((s) => s.trim()));
  }
  return typeof input === 'string' && out.length === 1 ? out[0] : out;
}

/** `translate` under Hugging Face's other name for the same task (long text → short text). */
export const summarize = translate;
