export { resolveSeq2SeqConfig, seq2seqDefaults, type Seq2SeqConfig } from './config.js';
export { PositionalEncoding, sinusoidalTable } from './positional-encoding.js';
export { Seq2SeqDecoderCache } from './decoder-cache.js';
export { Seq2SeqTransformer, type Seq2SeqDecodeOptions } from './model.js';
