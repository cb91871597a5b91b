import { reshape } from '../../autograd/ops/index.js';
import { LayerNorm } from '../../nn/layer-norm.js';
import { Linear, linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import { emptyParameter, type Parameter } from '../../nn/parameter.js';
import { zeros_ } from '../../nn/init.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { BertConfig } from './config.js';
import { activation } from './encoder.js';

/** transform(h) = LayerNorm(act(h W + b)), H → H. */
export class BertPredictionHeadTransform extends Module<[Tensor], Tensor> {
  readonly dense: Linear;
  readonly layerNorm: LayerNorm;
  private readonly act: (x: Tensor) => Tensor;

  constructor(config: BertConfig) {
    super();
    this.dense = this.registerModule('dense', new Linear(config.hiddenSize, config.hiddenSize));
    this.layerNorm = this.registerModule('LayerNorm', new LayerNorm(config.hiddenSize, { eps: config.layerNormEps }));
    this.act = activation(config.hiddenAct);
  }

  override forward(h: Tensor): Tensor {
    return this.layerNorm.forward(this.act(this.dense.forward(h)));
  }
}

/**
 * The masked-LM head: logits = transform(h) Eᵀ + b, where E (V, H) is the word embedding matrix (the
 * decoder is tied to it, as in the paper, and not a parameter here) and b (V) the head's own `bias`.
 * Shapes: h (B, T, H) → (B, T, V).
 */
export class BertLMPredictionHead extends Module {
  readonly transform: BertPredictionHeadTransform;
  readonly bias: Parameter;

  constructor(config: BertConfig) {
    super();
    this.transform = this.registerModule('transform', new BertPredictionHeadTransform(config));
    this.bias = this.registerParameter('bias', zeros_(emptyParameter([config.vocabSize])) as Parameter);
  }

  override forward(h: Tensor, wordEmbeddings: Tensor): Tensor {
    const [B, T, H] = h.shape;
    const logits = linear(reshape(this.transform.forward(h), [B * T, H]), wordEmbeddings, this.bias); // (B·T, V)
    return reshape(logits, [B, T, wordEmbeddings.shape[0]]);
  }
}

/** Hugging Face's `cls` of BertForMaskedLM: the masked-LM head only. */
export class BertOnlyMLMHead extends Module {
  readonly predictions: BertLMPredictionHead;

  constructor(config: BertConfig) {
    super();
    this.predictions = new BertLMPredictionHead(config);
  }
}

/** Hugging Face's `cls` of BertForPreTraining: the masked-LM head and the next-sentence classifier. */
export class BertPreTrainingHeads extends Module {
  readonly predictions: BertLMPredictionHead;
  /** Next-sentence logits (B, 2) from the pooled [CLS] vector: index 0 = "B follows A", 1 = "B is random". */
  readonly seqRelationship: Linear;

  constructor(config: BertConfig) {
    super();
    this.predictions = this.registerModule('predictions', new BertLMPredictionHead(config));
    this.seqRelationship = this.registerModule('seq_relationship', new Linear(config.hiddenSize, 2));
  }
}
