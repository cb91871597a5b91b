import { fail } from '../errors.js';
import type { Generator } from '../tensor/random.js';
import {
  BadWordsProcessor, ForcedBosProcessor, type LogitsProcessor, MinNewTokensProcessor, MinPWarper, NoRepeatNgramProcessor,
  RepetitionPenaltyProcessor, softmaxOf, TemperatureWarper, TopKWarper, TopPWarper, TypicalPWarper,
} from './processors.js';
import type { GenerationOptions } from './types.js';

/** Hugging Face's order: penalties and bans first, then (sampling only) temperature and the truncations. */
export function buildProcessors(o: GenerationOptions, promptLength: number, eosIds: readonly number[]): LogitsProcessor[] {
  const list: LogitsProcessor[] = [];
  if (o.repetitionPenalty !== 1) list.push(new RepetitionPenaltyProcessor(o.repetitionPenalty));
  if (o.noRepeatNgramSize > 0) list.push(new NoRepeatNgramProcessor(o.noRepeatNgramSize));
  const bad = o.badWordsIds.filter((s) => !(s.length === 1 && eosIds.includes(s[0])));
  if (bad.length > 0) list.push(new BadWordsProcessor(bad));
  if (o.minNewTokens > 0 && eosIds.length > 0) list.push(new MinNewTokensProcessor(promptLength, o.minNewTokens, eosIds));
  if (o.forcedBosTokenId !== null) list.push(new ForcedBosProcessor(promptLength, o.forcedBosTokenId));
  if (!o.doSample) return list;
  const keep = o.numBeams > 1 ? 2 : 1;
  if (o.temperature !== 1) list.push(new TemperatureWarper(o.temperature));
  if (o.topK > 0) list.push(new TopKWarper(o.topK, keep));
  if (o.topP < 1) list.push(new TopPWarper(o.topP, keep));
  if (o.minP > 0) list.push(new MinPWarper(o.minP, keep));
  if (o.typicalP < 1) list.push(new TypicalPWarper(o.typicalP, keep));
  return list;
}

/** Index of the largest score (the first one on ties, as torch.argmax). */
export function argmaxOf(scores: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
  return best;
}

/** Draws a token from softmax(scores); -Infinity scores are never drawn. */
export function sampleFrom(scores: Float64Array, generator: Generator): number {
  const probs = softmaxOf(scores);
  let total = 0;
  for (let i = 0; i < probs.length; i++) total += probs[i];
  if (!(total > 0)) fail('InvalidArgument', 'generate: every token was filtered out (all scores are -Infinity or NaN)');
  let u = generator.random() * total;
  let last = -1;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] <= 0) continue;
    last = i;
    u -= probs[i];
    if (u < 0) return i;
  }
  return last;
}
