export * from './types.js';
export {
  BadWordsProcessor, ForcedBosProcessor, MinNewTokensProcessor, MinPWarper, NoRepeatNgramProcessor, RepetitionPenaltyProcessor,
  TemperatureWarper, TopKWarper, TopPWarper, TypicalPWarper, type LogitsProcessor,
} from './processors.js';
export { buildProcessors } from './select.js';
export { IncrementalDecoder, StopStringMatcher } from './text.js';
export { resolveOptions as resolveGenerationOptions, type TokenInput } from './options.js';
export {
  DecodingRun, generate, generateDetailed, generateStream, generateText, type GenerationResult, type StreamChunk,
} from './generate.js';
export { generateSeq2Seq, type Seq2SeqGenerationResult } from './seq2seq.js';
export { logprobOf, promptLogprobs, type RankedToken, type TokenLogprob } from './logprobs.js';
