export * from './types.js';
export * from './processors.js';
export { argmaxOf, buildProcessors, sampleFrom } from './select.js';
export { IncrementalDecoder, StopStringMatcher } from './text.js';
export { resolveOptions, type TokenInput } from './options.js';
export { Stepper } from './stepper.js';
export { beamSearch } from './beam-search.js';
export {
  DecodingRun, generate, generateDetailed, generateStream, generateText, type GenerationResult, type StreamChunk,
} from './generate.js';
