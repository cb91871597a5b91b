/** Datasets and loaders: token streams on disk, paired texts, batching with padding and masks. */
export { writeTokenFile, readTokenFile, type TokenArray } from './token_file.js';
export type { Dataset, LMWindow, SeqPair } from './dataset.js';
export { TokenStreamDataset, stackWindows, type LMBatch } from './token_stream.js';
export { padSequences, collatePairs, type PadOptions, type PaddedBatch, type SeqPairBatch } from './collate.js';
export { DataLoader, shuffleInPlace, type DataLoaderOptions, type DataLoaderState } from './dataloader.js';
export { SeqPairDataset, parallelTextDataset, tsvDataset, type PairEncodeOptions } from './text_pairs.js';
export { prepareCorpus, tokenizerFromSpec, encodeLongText, type PrepareOptions, type PrepareResult } from './prepare.js';
export {
  encodeSentencePairs, maskingOptionsOf, maskTokens, mlmCollator, nextSentencePairs,
  type MaskedTokens, type MaskingOptions, type MLMBatch, type PretrainingExample, type SentencePair,
} from './mlm.js';
export { loadPlanetoid, type PlanetoidGraph } from './planetoid.js';
