import { slice, tanh } from '../../autograd/ops/index.js';
import '../../autograd/methods.js'; // Tensor methods (detach, ...) that nn's state dicts use
import { fail } from '../../errors.js';
import { normal_, ones_, skipInit, zeros_ } from '../../nn/init.js';
import { Embedding } from '../../nn/embedding.js';
import { LayerNorm } from '../../nn/layer-norm.js';
import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import type { Generator } from '../../tensor/random.js';
import { emptyTensor, type Tensor } from '../../tensor/tensor.js';
import type { Tokenizer } from '../../tokenizers/tokenizer.js';
import { type BertConfig, resolveBertConfig } from './config.js';
import { BertEmbeddings } from './embeddings.js';
import { BertEncoder } from './encoder.js';
import { type BertFromPretrainedOptions, loadPretrainedBert, savePretrainedBert } from './pretrained.js';

/** What a BERT forward pass reads besides the token ids. */
export interface BertInputs {
  /** (B, T) segment ids: 0 for sentence A, 1 for sentence B. Default all 0. */
  tokenTypeIds?: Tensor | null;
  /** (B, T) 1 = a token to attend, 0 = padding (Hugging Face's convention). Default: every token. */
  attentionMask?: Tensor | null;
  /** (B, T) or (T) positions. Default 0 … T-1. */
  positionIds?: Tensor | null;
}

export interface BertOptions {
  /** Draws the initial weights (the global generator by default). */
  generator?: Generator;
  /** Initialize the weights (default true; false leaves them unset, for loading a checkpoint). */
  init?: boolean;
}

export interface BertModelOutput {
  /** (B, T, H) the last layer's hidden states. */
  lastHiddenState: Tensor;
  /** (B, H) tanh(dense(h[:, 0])), the [CLS] summary; null without a pooler. */
  pooledOutput: Tensor | null;
}

/**
 * Which keys may be attended, from Hugging Face's (B, T) attention mask (1 = attend): (B, 1, 1, T), the
 * same for every head and query, or null when every key is attended (the plain path runs). Bool (true =
 * attend) for the fused attention op; when some row attends nothing, BERT's own "extended" float mask
 * (0, or float32's lowest value where the mask is 0), whose scores are then all equal, as in Hugging Face.
 */
export function keyPaddingMask(attentionMask: Tensor | null | undefined, B: number, T: number): Tensor | null {
  if (!attentionMask) return null;
  if (attentionMask.ndim !== 2 || attentionMask.shape[0] !== B || attentionMask.shape[1] !== T) {
    fail('ShapeMismatch', `BERT: expected an attention mask of shape [${B}, ${T}], got [${attentionMask.shape.join(', ')}]`);
  }
  const attend = Array.from(attentionMask.dense(), (v) => Number(v) !== 0);
  if (attend.every(Boolean)) return null;
  const emptyRow = Array.from({ length: B }, (_, b) => attend.slice(b * T, (b + 1) * T).every((a) => !a)).some(Boolean);
  const out = emptyTensor([B, 1, 1, T], emptyRow ? 'float32' : 'bool');
  for (let i = 0; i < B * T; i++) out.data[i] = emptyRow ? (attend[i] ? 0 : FLOAT32_LOWEST) : attend[i] ? 1 : 0;
  return out;
}

const FLOAT32_LOWEST = -3.4028234663852886e38;

/** The [CLS] summary: pooled = tanh(h[:, 0] W + b). */
export class BertPooler extends Module<[Tensor], Tensor> {
  readonly dense: Linear;

  constructor(config: BertConfig) {
    super();
    this.dense = new Linear(config.hiddenSize, config.hiddenSize);
  }

  override forward(h: Tensor): Tensor {
    return tanh(this.dense.forward(slice(h, null, 0))); // (B, H)
  }
}

/**
 * The BERT encoder (Devlin et al. 2019): embeddings, `numHiddenLayers` post-norm transformer layers and
 * the pooler. Parameter names are Hugging Face's BertModel's (`embeddings.word_embeddings.weight`,
 * `encoder.layer.0.attention.self.query.weight`, `pooler.dense.weight`, ...), Linear weights [out, in].
 *
 * Shapes: ids (B, T) int → lastHiddenState (B, T, H), pooledOutput (B, H).
 *
 * Initialized as Hugging Face: Linear and Embedding weights N(0, initializerRange), biases 0, the
 * padding row 0, LayerNorm 1 and 0.
 *
 * Example: `new BertModel({ vocabSize: 100, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 4,
 * intermediateSize: 64 }).forward(ids).lastHiddenState` has shape [B, T, 32].
 */
export class BertModel extends Module {
  readonly config: BertConfig;
  readonly embeddings: BertEmbeddings;
  readonly encoder: BertEncoder;
  readonly pooler: BertPooler | null;
  /** The checkpoint's tokenizer, when it came with one. */
  tokenizer: Tokenizer | null = null;

  constructor(config: Partial<BertConfig> = {}, opts: BertOptions & { addPoolingLayer?: boolean } = {}) {
    super();
    const c = resolveBertConfig(config);
    this.config = c;
    // built without the layers' own random initialization, which initBertWeights replaces
    this.embeddings = this.registerModule('embeddings', skipInit(() => new BertEmbeddings(c)));
    this.encoder = this.registerModule('encoder', skipInit(() => new BertEncoder(c)));
    this.pooler = this.registerModule('pooler', opts.addPoolingLayer ?? true ? skipInit(() => new BertPooler(c)) : null);
    if (opts.init ?? true) initBertWeights(this, c, opts.generator);
  }

  /**
   * The encoder of a Hugging Face BERT checkpoint (folder or hub id; `bert.` prefixes and heads are
   * dropped), with a pooler when the checkpoint has one; in eval mode.
   */
  static fromPretrained(dirOrId: string, opts: BertFromPretrainedOptions = {}): Promise<BertModel> {
    return loadPretrainedBert('BertModel', (c, addPoolingLayer) => new BertModel(c, { init: false, addPoolingLayer }), dirOrId, opts);
  }

  /** Writes config.json, model.safetensors and the tokenizer files into `dir`. */
  savePretrained(dir: string): void {
    savePretrainedBert(this, 'BertModel', dir);
  }

  override forward(ids: Tensor, inputs: BertInputs = {}): BertModelOutput {
    const [B, T] = ids.shape;
    const mask = keyPaddingMask(inputs.attentionMask, B, T);
    const h = this.encoder.forward(this.embeddings.forward(ids, inputs.tokenTypeIds ?? null, inputs.positionIds ?? null), mask);
    return { lastHiddenState: h, pooledOutput: this.pooler ? this.pooler.forward(h) : null };
  }
}

/** Hugging Face's BertPreTrainedModel._init_weights over every submodule of `root`. */
export function initBertWeights(root: Module, config: BertConfig, generator?: Generator): void {
  for (const m of root.modules()) {
    if (m instanceof Linear) {
      normal_(m.weight, 0, config.initializerRange, generator);
      if (m.bias) zeros_(m.bias);
    } else if (m instanceof Embedding) {
      normal_(m.weight, 0, config.initializerRange, generator);
      if (m.paddingIdx !== null) m.weight.data.fill(0, m.paddingIdx * m.embeddingDim, (m.paddingIdx + 1) * m.embeddingDim);
    } else if (m instanceof LayerNorm) {
      if (m.weight) ones_(m.weight);
      if (m.bias) zeros_(m.bias);
    }
  }
}
