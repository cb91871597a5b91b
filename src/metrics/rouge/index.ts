export { sentenceRouge, corpusRouge, ROUGE_TYPES, type RougeType, type RougeScore, type RougeScores, type RougeOptions, type CorpusRougeResult } from './rouge.js';
export { rougeTokens, type RougeTokenizer } from './tokenize.js';
export { porterStem } from './porter.js';
export { bootstrapRouge, type BootstrapOptions, type RougeInterval } from './bootstrap.js';
