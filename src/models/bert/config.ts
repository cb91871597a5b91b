/**
 * BERT's configuration under Hugging Face's field names (camelCased), and the conversion from and to
 * a Hugging Face config.json (`model_type: "bert"`).
 */
import { fail } from '../../errors.js';
import { overrideConfig } from '../config-fields.js';
import { architecturesOf, configInt, configNumber, type HFConfig } from '../pretrained.js';

/** The feed-forward activation: 'gelu' is the exact (erf) GELU, 'gelu_new' / 'gelu_pytorch_tanh' its tanh form. */
export type BertActivation = 'gelu' | 'gelu_new' | 'gelu_pytorch_tanh' | 'relu';

export interface BertConfig {
  /** Vocabulary size V. */
  vocabSize: number;
  /** Width H of every hidden state. */
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  /** Width of the feed-forward layer (4H in the paper). */
  intermediateSize: number;
  hiddenAct: BertActivation;
  /** Dropout on the embeddings and on every residual branch while training. */
  hiddenDropoutProb: number;
  /** Dropout on the attention probabilities while training. */
  attentionProbsDropoutProb: number;
  /** Positions the model reads (learned position embeddings). */
  maxPositionEmbeddings: number;
  /** Segment (token type) count: 2 for sentence A / sentence B. */
  typeVocabSize: number;
  layerNormEps: number;
  /** The padding token (its word embedding starts at zero and gets no gradient). */
  padTokenId: number;
  /** Standard deviation of the initial weights. */
  initializerRange: number;
}

/** bert-base-uncased's sizes (110M parameters). */
export const bertDefaults: BertConfig = {
  vocabSize: 30522,
  hiddenSize: 768,
  numHiddenLayers: 12,
  numAttentionHeads: 12,
  intermediateSize: 3072,
  hiddenAct: 'gelu',
  hiddenDropoutProb: 0.1,
  attentionProbsDropoutProb: 0.1,
  maxPositionEmbeddings: 512,
  typeVocabSize: 2,
  layerNormEps: 1e-12,
  padTokenId: 0,
  initializerRange: 0.02,
};

const ACTIVATIONS: readonly BertActivation[] = ['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu'];

/** The defaults overridden by `config`; unknown fields and bad values are 'InvalidArgument' errors. */
export function resolveBertConfig(config: Partial<BertConfig> = {}): BertConfig {
  const out = overrideConfig<BertConfig>('BERT', bertDefaults, config,
    ['vocabSize', 'hiddenSize', 'numHiddenLayers', 'numAttentionHeads', 'intermediateSize', 'maxPositionEmbeddings', 'typeVocabSize']);
  if (out.hiddenSize % out.numAttentionHeads !== 0) {
    fail('InvalidArgument', `BERT: hiddenSize (${out.hiddenSize}) must be a multiple of numAttentionHeads (${out.numAttentionHeads})`);
  }
  if (!ACTIVATIONS.includes(out.hiddenAct)) fail('InvalidArgument', `BERT: hiddenAct must be one of ${ACTIVATIONS.join(', ')}, got "${out.hiddenAct}"`);
  return out;
}

/** BertConfig from a Hugging Face config.json; other model types and unsupported options are errors. */
export function bertConfigFromHF(hf: HFConfig, file = 'config.json'): BertConfig {
  if (hf.model_type !== 'bert') {
    const arch = architecturesOf(hf);
    fail('Unsupported', `${file}: model_type "${String(hf.model_type)}"${arch ? ` (${arch})` : ''} is not supported; the BERT loaders read BERT checkpoints (model_type "bert")`);
  }
  const act = String(hf.hidden_act ?? 'gelu');
  if (!ACTIVATIONS.includes(act as BertActivation)) fail('Unsupported', `${file}: hidden_act "${act}" (supported: ${ACTIVATIONS.join(', ')})`);
  const embeddingType = hf.position_embedding_type ?? 'absolute';
  if (embeddingType !== 'absolute') fail('Unsupported', `${file}: position_embedding_type "${String(embeddingType)}" (only "absolute")`);
  if (hf.is_decoder === true || hf.add_cross_attention === true) fail('Unsupported', `${file}: a BERT decoder (is_decoder / add_cross_attention) is not supported`);
  if (hf.tie_word_embeddings === false) fail('Unsupported', `${file}: tie_word_embeddings false (lmkit's BERT ties the MLM decoder to the word embeddings)`);
  const int = (key: string) => configInt(hf, key, file);
  return resolveBertConfig({
    vocabSize: int('vocab_size'),
    hiddenSize: int('hidden_size'),
    numHiddenLayers: int('num_hidden_layers'),
    numAttentionHeads: int('num_attention_heads'),
    intermediateSize: int('intermediate_size'),
    hiddenAct: act as BertActivation,
    hiddenDropoutProb: configNumber(hf, 'hidden_dropout_prob', 0.1),
    attentionProbsDropoutProb: configNumber(hf, 'attention_probs_dropout_prob', 0.1),
    maxPositionEmbeddings: int('max_position_embeddings'),
    typeVocabSize: int('type_vocab_size'),
    layerNormEps: configNumber(hf, 'layer_norm_eps', 1e-12),
    padTokenId: configNumber(hf, 'pad_token_id', 0),
    initializerRange: configNumber(hf, 'initializer_range', 0.02),
  });
}

/** A Hugging Face config.json for `c`, naming `architecture` (BertForPreTraining, BertForMaskedLM, BertModel). */
export function bertConfigToHF(c: BertConfig, architecture: string): HFConfig {
  return {
    model_type: 'bert',
    architectures: [architecture],
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    num_hidden_layers: c.numHiddenLayers,
    num_attention_heads: c.numAttentionHeads,
    intermediate_size: c.intermediateSize,
    hidden_act: c.hiddenAct,
    hidden_dropout_prob: c.hiddenDropoutProb,
    attention_probs_dropout_prob: c.attentionProbsDropoutProb,
    max_position_embeddings: c.maxPositionEmbeddings,
    type_vocab_size: c.typeVocabSize,
    layer_norm_eps: c.layerNormEps,
    pad_token_id: c.padTokenId,
    initializer_range: c.initializerRange,
    position_embedding_type: 'absolute',
  };
}
