/**
 * Fill-mask: the most likely tokens for each mask token of a text, from a masked language model (BERT),
 * as Hugging Face's `pipeline('fill-mask')` computes them.
 */
import { noGrad } from '../autograd/graph.js';
import { fail } from '../errors.js';
import type { MaskedLanguageModel } from '../models/bert/pretraining.js';
import { tensor } from '../tensor/create.js';
import type { Tokenizer } from '../tokenizers/tokenizer.js';

/** One candidate for one mask (Hugging Face's fields). */
export interface FillMaskPrediction {
  /** Its probability at the mask: softmax over the vocabulary. */
  score: number;
  /** Its token id. */
  token: number;
  /** The token decoded on its own. */
  token_str: string;
  /**
   * The text with this token in place of the mask, decoded from the ids. With one mask, special tokens
   * are dropped; with several, they are kept (so the other masks show), as Hugging Face does.
   */
  sequence: string;
}

export interface FillMaskOptions {
  /** Candidates per mask. Default 5. */
  topK?: number;
  /** Default: the model's own tokenizer. */
  tokenizer?: Tokenizer;
}

/** The tokenizer's mask token: tokenizer_config.json's `mask_token`, else "[MASK]". */
export function maskTokenOf(tokenizer: Tokenizer): { token: string; id: number } {
  const configured = tokenizer.config.mask_token;
  const token = typeof configured === 'string' ? configured
    : configured && typeof configured === 'object' && typeof (configured as { content?: unknown }).content === 'string'
      ? (configured as { content: string }).content : '[MASK]';
  const id = tokenizer.tokenToId(token);
  if (id === undefined) fail('InvalidArgument', `fillMask: the tokenizer has no mask token "${token}"`);
  return { token, id };
}

/**
 * The `topK` most likely tokens at every mask token of `text`, one list per mask in order, each sorted
 * by score (ties by token id). Hugging Face's pipeline returns the single list itself when the text has
 * one mask: here that is `fillMask(model, text)[0]`. An array of texts is encoded as one padded batch
 * and gives one such result per text.
 *
 * @example
 * const model = await BertForMaskedLM.fromPretrained('bert-base-uncased');
 * fillMask(model, 'paris is the [MASK] of france.')[0][0];  // { score, token, token_str: 'capital', sequence }
 * @throws LmkitError 'InvalidArgument' for a text without the mask token, or a model without a tokenizer.
 */
export function fillMask(model: MaskedLanguageModel, text: string, opts?: FillMaskOptions): FillMaskPrediction[][];
export function fillMask(model: MaskedLanguageModel, texts: string[], opts?: FillMaskOptions): FillMaskPrediction[][][];
export function fillMask(model: MaskedLanguageModel, input: string | string[], opts: FillMaskOptions = {}): FillMaskPrediction[][] | FillMaskPrediction[][][] {
  const texts = typeof input === 'string' ? [input] : input;
  const results = fillMaskBatch(model, texts, opts);
  return typeof input === 'string' ? results[0] : results;
}

function fillMaskBatch(model: MaskedLanguageModel, texts: string[], opts: FillMaskOptions): FillMaskPrediction[][][] {
  const tokenizer = opts.tokenizer ?? model.tokenizer ?? fail('InvalidArgument', 'fillMask: the model has no tokenizer; pass one as the tokenizer option');
  const topK = opts.topK ?? 5;
  const V = model.config.vocabSize;
  if (!Number.isInteger(topK) || topK < 1) fail('InvalidArgument', `fillMask: topK must be a positive integer, got ${topK}`);
  if (texts.length === 0) return [];
  const mask = maskTokenOf(tokenizer);
  const encodings = tokenizer.encodeBatch(texts, { padding: {} });
  const T = encodings[0].length;
  if (T > model.config.maxPositionEmbeddings) fail('InvalidArgument', `fillMask: ${T} tokens exceed the model's ${model.config.maxPositionEmbeddings} positions`);
  const masks = encodings.map((e, b) => {
    const positions = e.ids.flatMap((id, t) => (id === mask.id ? [t] : []));
    if (positions.length === 0) fail('InvalidArgument', `fillMask: no mask token ${mask.token} in ${JSON.stringify(texts[b])}`);
    const outside = e.ids.find((id) => id >= V);
    if (outside !== undefined) fail('InvalidArgument', `fillMask: token id ${outside} is outside the model's vocabulary of ${V} (is this the model's tokenizer?)`);
    return positions;
  });
  const ids = tensor(encodings.map((e) => e.ids), { dtype: 'int32' });
  const attentionMask = tensor(encodings.map((e) => e.attentionMask), { dtype: 'int32' });
  const tokenTypeIds = tensor(encodings.map((e) => e.typeIds), { dtype: 'int32' });
  const logits = noGrad(() => model.maskedLMLogits(ids, { attentionMask, tokenTypeIds })).dense(); // (B, T, V)
  const k = Math.min(topK, V);
  return encodings.map((e, b) => {
    const shown = e.ids.flatMap((_, t) => (e.attentionMask[t] !== 0 ? [t] : [])); // not padding
    const single = masks[b].length === 1;
    return masks[b].map((t) => {
      const row = logits.subarray((b * T + t) * V, (b * T + t + 1) * V);
      return topTokens(row, k).map(({ token, score }) => {
        const filled = shown.map((p) => (p === t ? token : e.ids[p]));
        return { score, token, token_str: tokenizer.decode([token]), sequence: tokenizer.decode(filled, { skipSpecialTokens: single }) };
      });
    });
  });
}

/** The k highest-scoring tokens of one row of logits, with softmax(row) as score: by score, then by id. */
export function topTokens(row: ArrayLike<number>, k: number): { token: number; score: number }[] {
  let max = -Infinity;
  for (let i = 0; i < row.length; i++) if (row[i] > max) max = row[i];
  let total = 0;
  for (let i = 0; i < row.length; i++) total += Math.exp(row[i] - max);
  const order = Array.from({ length: row.length }, (_, i) => i).sort((i, j) => row[j] - row[i] || i - j);
  return order.slice(0, k).map((token) => ({ token, score: Math.exp(row[token] - max) / total }));
}
