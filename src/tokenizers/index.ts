/** Tokenizers: Hugging Face's pipeline (normalizer → pre-tokenizer → model → post-processor → decoder). */
export { Tokenizer, type DecodeOptions, type EncodeInput, type EncodeOptions, type TokenizerConfig } from './tokenizer.js';
export { Encoding } from './encoding.js';
export type { PaddingOptions } from './padding.js';
export type { TruncationOptions } from './truncation.js';
export type { AddedToken } from './added_vocabulary.js';
export type { Decoder, Model, Normalizer, PostProcessor, PreTokenizer, Token } from './types.js';
export { NormalizedString } from './normalized_string.js';
export * from './normalizers/index.js';
export * from './pre_tokenizers/index.js';
export * from './models/index.js';
export * from './processors/index.js';
export * from './decoders/index.js';
export * from './trainers/index.js';
export { bertTokenizer, byteLevelBpeTokenizer, charTokenizer, wordTokenizer } from './presets.js';
export { bertFromVocabFile, gpt2FromFiles, readMergesFile, readVocabJson, readVocabTxt } from './load.js';
export { tokenizerFromJSON, tokenizerToJSON } from './serialization.js';
export { encodeAndShowWork, type BpeWork } from './show_work.js';
export { byteLevelAlphabet, byteLevelDecode, BYTE_TO_CHAR } from './byte_level_alphabet.js';
