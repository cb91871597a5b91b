import type { Tensor } from '../tensor/tensor.js';

/**
 * A decoder's key/value memory: what one forward pass appends, the next one reads, so each new token
 * costs one position's work. Models own the layout; generation only creates, reorders and drops caches.
 */
export interface KVCache {
  /** Positions stored so far (the same for every row). */
  readonly length: number;
  /** Makes row i hold what row `order[i]` held (beam search moves beams between steps). */
  reorder(order: readonly number[]): void;
}

export interface CausalLMForwardOptions {
  /** Appended to and read by the pass; the ids are then positions `cache.length ..`. */
  cache?: KVCache;
  /** [B, past + T], 1 = a real token, 0 = padding (left padding in a batch of prompts). */
  attentionMask?: Tensor;
  /** [B, T] int32 positions of the ids (default: past, past + 1, ...). */
  positionIds?: Tensor;
  /** Compute logits for the last position only: [B, 1, V] (what generation needs). */
  lastOnly?: boolean;
}

/** What generation needs from a model: next-token logits, and optionally a key/value cache. */
export interface CausalLM {
  /** ids [B, T] int32 → logits [B, T, V] (or [B, 1, V] with `lastOnly`). */
  forward(ids: Tensor, opts?: CausalLMForwardOptions): Tensor;
  /** A cache for `batch` rows of up to `maxLength` positions; without it every step re-reads the whole prefix. */
  newCache?(batch: number, maxLength: number): KVCache;
  /** The longest sequence the model can take (learned positions), if limited. */
  readonly maxPositions?: number;
  /** Defaults from the checkpoint (e.g. GPT-2's eos_token_id), overridden by the caller's options. */
  readonly generationDefaults?: Partial<GenerationOptions>;
}

/**
 * What generation needs from an encoder-decoder model: the decoder as a causal LM over target ids,
 * conditioned on encoded source rows; decoding starts from `decoderStartTokenId`.
 */
export interface EncoderDecoderLM {
  /**
   * Encodes `sources` (token rows, any lengths) once; the returned decoder takes R = B · k rows, row r
   * continuing source floor(r / k) (the layout of beams and return sequences).
   */
  conditionedOn(sources: readonly (readonly number[])[]): CausalLM;
  /** The decoder's first input token (Hugging Face's decoder_start_token_id). */
  readonly decoderStartTokenId: number;
}

/** Anything that turns token ids back into text (a Tokenizer does). */
export interface TokenDecoder {
  decode(ids: number[]): string;
}

/**
 * Options of `generate`, with Hugging Face's meanings (camelCase of its GenerationConfig).
 * Sampling warpers (temperature, topK, topP, typicalP, minP) apply only with `doSample`.
 */
export interface GenerationOptions {
  /** New tokens to generate at most. Default 20. */
  maxNewTokens: number;
  /** EOS cannot be chosen before this many new tokens. Default 0. */
  minNewTokens: number;
  /** Sample from the distribution instead of taking the argmax. Default false. */
  doSample: boolean;
  /** Divides the logits before sampling (> 0). Default 1. */
  temperature: number;
  /** Keep only the k most likely tokens (0 = off). Default 0. */
  topK: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (1 = off). Default 1. */
  topP: number;
  /** Locally typical sampling mass (1 = off). Default 1. */
  typicalP: number;
  /** Drop tokens less likely than minP × the top token's probability (0 = off). Default 0. */
  minP: number;
  /** > 1 discourages tokens already in the sequence: positive logits divided, negative multiplied. Default 1. */
  repetitionPenalty: number;
  /** No n-gram of this size occurs twice (0 = off). Default 0. */
  noRepeatNgramSize: number;
  /** Token sequences that must not be generated (a one-token sequence bans that token). */
  badWordsIds: number[][];
  /** Token(s) that end a row; null: none (generation runs to maxNewTokens). */
  eosTokenId: number | number[] | null;
  /** The first new token is forced to this id (e.g. a target-language token); null: none. */
  forcedBosTokenId: number | null;
  /** Fills rows that have finished; default: the first EOS id, else 0. */
  padTokenId: number | null;
  /** Strings on the decoded text that end a row (needs `tokenizer`); texts are cut before them. */
  stopStrings: string[];
  /** Decodes tokens for stop strings and streaming. */
  tokenizer: TokenDecoder | null;
  /** Beam search when > 1. Default 1. */
  numBeams: number;
  /** Beam scores are sum(log p) / length^lengthPenalty. Default 1. */
  lengthPenalty: number;
  /** Beam search stops a row: true as soon as numBeams hypotheses are done; false (default) when no
   * better one can come (Hugging Face's heuristic); 'never' at the exact bound. */
  earlyStopping: boolean | 'never';
  /** Sequences returned per input row (≤ numBeams with beam search). Default 1. */
  numReturnSequences: number;
  /** Seeds a private generator so sampling is reproducible (leaves the global one alone). */
  seed: number | null;
  /** 1 = real token, 0 = left padding, [B, T] like the ids. */
  attentionMask: Tensor | number[][] | null;
  /** Use the model's key/value cache when it has one. Default true. */
  useCache: boolean;
}

export const generationDefaults: GenerationOptions = {
  maxNewTokens: 20,
  minNewTokens: 0,
  doSample: false,
  temperature: 1,
  topK: 0,
  topP: 1,
  typicalP: 1,
  minP: 0,
  repetitionPenalty: 1,
  noRepeatNgramSize: 0,
  badWordsIds: [],
  eosTokenId: null,
  padTokenId: null,
  forcedBosTokenId: null,
  stopStrings: [],
  tokenizer: null,
  numBeams: 1,
  lengthPenalty: 1,
  earlyStopping: false,
  numReturnSequences: 1,
  seed: null,
  attentionMask: null,
  useCache: true,
};
