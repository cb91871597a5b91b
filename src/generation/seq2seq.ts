import { fail } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { generateDetailed } from './generate.js';
import { resolveOptions } from './options.js';
import type { EncoderDecoderLM, GenerationOptions } from './types.js';

/** What an encoder-decoder generation produced. */
export interface Seq2SeqGenerationResult {
  /** Per returned row: the decoder start token, then the new tokens (padded after EOS to one length). */
  sequences: number[][];
  /** With a tokenizer: each row's decoded output (EOS and padding left out). */
  texts: string[] | null;
}

function sourceRows(sources: Tensor | readonly number[] | readonly (readonly number[])[]): number[][] {
  if (sources instanceof Tensor) {
    if (sources.ndim !== 1 && sources.ndim !== 2) fail('ShapeMismatch', `generateSeq2Seq: sources must be [B, S] or [S], got [${sources.shape.join(', ')}]`);
    const list = sources.tolist() as number[] | number[][];
    return sources.ndim === 1 ? [list as number[]] : (list as number[][]);
  }
  if (sources.length === 0) fail('InvalidArgument', 'generateSeq2Seq: no sources');
  return typeof sources[0] === 'number' ? [[...(sources as readonly number[])]] : (sources as readonly (readonly number[])[]).map((r) => [...r]);
}

/**
 * Generates target sequences for source token rows (of any lengths) with an encoder-decoder model
 * (Hugging Face's `generate` for encoder-decoders): the sources are encoded once, then the decoder runs
 * the same greedy, sampling or beam-search loop as for causal LMs, starting from the model's
 * decoder start token. Options as `generate` (maxNewTokens, minNewTokens, numBeams, lengthPenalty,
 * earlyStopping, numReturnSequences, forcedBosTokenId, ...); EOS and pad default to the model's.
 */
export function generateSeq2Seq(model: EncoderDecoderLM, sources: Tensor | readonly number[] | readonly (readonly number[])[],
  options: Partial<GenerationOptions> = {}): Seq2SeqGenerationResult {
  const rows = sourceRows(sources);
  if (options.attentionMask) fail('InvalidArgument', 'generateSeq2Seq: sources are padded by the model; pass rows of any lengths instead of attentionMask');
  const decoder = model.conditionedOn(rows);
  const { maxNewTokens } = resolveOptions(decoder, options);
  if (decoder.maxPositions !== undefined && 1 + maxNewTokens > decoder.maxPositions) {
    fail('InvalidArgument', `generateSeq2Seq: maxNewTokens ${maxNewTokens} + the start token exceed the decoder's ${decoder.maxPositions} positions`);
  }
  const start = rows.map(() => [model.decoderStartTokenId]);
  const result = generateDetailed(decoder, start, options);
  return { sequences: result.sequences, texts: result.texts };
}
