export { perplexity, type PerplexityOptions, type PerplexityResult } from './perplexity.js';
export * from './bleu/index.js';
export * from './rouge/index.js';
export type { ReferenceStreams } from './streams.js';
