import { fail } from '../../errors.js';

/** The sizes and choices of a Seq2SeqTransformer (saved as config.json with model_type lmkit-seq2seq). */
export interface Seq2SeqConfig {
  /** Source vocabulary size. */
  srcVocabSize: number;
  /** Target vocabulary size. */
  tgtVocabSize: number;
  /** Model width E. Default 512. */
  dModel: number;
  /** Attention heads. Default 8. */
  nhead: number;
  /** Encoder layers. Default 6. */
  numEncoderLayers: number;
  /** Decoder layers. Default 6. */
  numDecoderLayers: number;
  /** Width of the feed-forward networks. Default 2048. */
  dimFeedforward: number;
  /** Dropout on embeddings, attention and residual branches while training. Default 0.1. */
  dropout: number;
  /** 'relu' (default) or 'gelu'. */
  activation: 'relu' | 'gelu';
  /** Pre-norm layers (LayerNorm before each sublayer) instead of post-norm. Default false. */
  normFirst: boolean;
  /** One embedding table for source and target (needs one vocabulary). Default false. */
  shareEmbeddings: boolean;
  /** The output projection is the target embedding's transpose (no generator Linear). Default false. */
  tieOutput: boolean;
  /** Longest sequence the sinusoidal table covers. Default 1024. */
  maxPositions: number;
  /** Padding id on both sides (ignored by the loss and masked in attention). Default 0. */
  padTokenId: number;
  /** The decoder's first input token. Default 1. */
  bosTokenId: number;
  /** Ends a target sequence. Default 2. */
  eosTokenId: number;
}

export const seq2seqDefaults: Omit<Seq2SeqConfig, 'srcVocabSize' | 'tgtVocabSize'> = {
  dModel: 512, nhead: 8, numEncoderLayers: 6, numDecoderLayers: 6, dimFeedforward: 2048, dropout: 0.1,
  activation: 'relu', normFirst: false, shareEmbeddings: false, tieOutput: false, maxPositions: 1024,
  padTokenId: 0, bosTokenId: 1, eosTokenId: 2,
};

/** The defaults filled in and every field checked (a bad value names itself). */
export function resolveSeq2SeqConfig(partial: Partial<Seq2SeqConfig> & Pick<Seq2SeqConfig, 'srcVocabSize' | 'tgtVocabSize'>): Seq2SeqConfig {
  const c: Seq2SeqConfig = { ...seq2seqDefaults, ...partial };
  const ints: (keyof Seq2SeqConfig)[] = ['srcVocabSize', 'tgtVocabSize', 'dModel', 'nhead', 'numEncoderLayers', 'numDecoderLayers', 'dimFeedforward', 'maxPositions'];
  for (const k of ints) {
    const v = c[k] as number;
    if (!Number.isInteger(v) || v < 1) fail('InvalidArgument', `Seq2SeqConfig: ${k} must be a positive integer, got ${v}`);
  }
  for (const k of ['padTokenId', 'bosTokenId', 'eosTokenId'] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 0 || c[k] >= c.tgtVocabSize) fail('InvalidArgument', `Seq2SeqConfig: ${k} must be a target token id in [0, ${c.tgtVocabSize}), got ${c[k]}`);
  }
  if (c.dModel % c.nhead !== 0) fail('InvalidArgument', `Seq2SeqConfig: dModel must be divisible by nhead, got ${c.dModel} and ${c.nhead}`);
  if (c.dModel % 2 !== 0) fail('InvalidArgument', `Seq2SeqConfig: dModel must be even (sinusoidal positions), got ${c.dModel}`);
  if (!(c.dropout >= 0 && c.dropout < 1)) fail('InvalidArgument', `Seq2SeqConfig: dropout must be in [0, 1), got ${c.dropout}`);
  if (c.activation !== 'relu' && c.activation !== 'gelu') fail('InvalidArgument', `Seq2SeqConfig: activation must be relu or gelu, got ${String(c.activation)}`);
  if (c.shareEmbeddings && c.srcVocabSize !== c.tgtVocabSize) {
    fail('InvalidArgument', `Seq2SeqConfig: shareEmbeddings needs one vocabulary, got srcVocabSize ${c.srcVocabSize} and tgtVocabSize ${c.tgtVocabSize}`);
  }
  return c;
}
