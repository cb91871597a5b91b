import { add, gelu, relu, reshape, scaledDotProductAttention, transpose, view } from '../../autograd/ops/index.js';
import { ModuleList } from '../../nn/containers.js';
import { Dropout } from '../../nn/dropout.js';
import { LayerNorm } from '../../nn/layer-norm.js';
import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { BertActivation, BertConfig } from './config.js';

/**
 * Multi-head self-attention (Vaswani et al. 2017, §3.2), Hugging Face's BertSelfAttention:
 *
 *     head_j = softmax(Q_j K_jᵀ / √d_k + mask) V_j   with Q = h W_Q + b_Q, K = h W_K + b_K, V = h W_V + b_V
 *
 * and the heads side by side. `mask` (B, 1, 1, T): bool, true = may attend, or a float mask added to the
 * scores (null: every key).
 * Shapes: h (B, T, H) → (B, T, H), with nh heads of size d_k = H / nh.
 */
export class BertSelfAttention extends Module {
  readonly query: Linear;
  readonly key: Linear;
  readonly value: Linear;

  constructor(readonly config: BertConfig) {
    super();
    const H = config.hiddenSize;
    this.query = new Linear(H, H);
    this.key = new Linear(H, H);
    this.value = new Linear(H, H);
  }

  override forward(h: Tensor, mask: Tensor | null): Tensor {
    const [B, T, H] = h.shape;
    const nh = this.config.numAttentionHeads;
    const heads = (x: Tensor) => transpose(view(x, B, T, nh, H / nh), 1, 2); // (B, nh, T, d_k)
    const context = scaledDotProductAttention(heads(this.query.forward(h)), heads(this.key.forward(h)), heads(this.value.forward(h)), {
      attnMask: mask, dropoutP: this.training ? this.config.attentionProbsDropoutProb : 0,
    }); // (B, nh, T, d_k)
    return reshape(transpose(context, 1, 2), [B, T, H]);
  }
}

/** A residual sub-layer's end, post-norm as in the paper: LayerNorm(x + dropout(dense(y))). */
export class BertResidualOutput extends Module {
  readonly dense: Linear;
  readonly layerNorm: LayerNorm;
  readonly dropout: Dropout;

  constructor(config: BertConfig, inFeatures: number) {
    super();
    this.dense = new Linear(inFeatures, config.hiddenSize);
    this.layerNorm = this.registerModule('LayerNorm', new LayerNorm(config.hiddenSize, { eps: config.layerNormEps }));
    this.dropout = new Dropout(config.hiddenDropoutProb);
  }

  override forward(y: Tensor, x: Tensor): Tensor {
    return this.layerNorm.forward(add(x, this.dropout.forward(this.dense.forward(y))));
  }
}

/** h' = LayerNorm(h + SelfAttention(h)), under Hugging Face's names `self` and `output`. */
export class BertAttention extends Module {
  readonly selfAttention: BertSelfAttention;
  readonly output: BertResidualOutput;

  constructor(config: BertConfig) {
    super();
    this.selfAttention = this.registerModule('self', new BertSelfAttention(config));
    this.output = new BertResidualOutput(config, config.hiddenSize);
  }

  override forward(h: Tensor, mask: Tensor | null): Tensor {
    return this.output.forward(this.selfAttention.forward(h, mask), h);
  }
}

export function activation(act: BertActivation): (x: Tensor) => Tensor {
  if (act === 'relu') return relu;
  return act === 'gelu' ? (x) => gelu(x, 'none') : (x) => gelu(x, 'tanh');
}

/** The first half of the feed-forward network: act(h W_1 + b_1), H → intermediate size. */
export class BertIntermediate extends Module<[Tensor], Tensor> {
  readonly dense: Linear;
  private readonly act: (x: Tensor) => Tensor;

  constructor(config: BertConfig) {
    super();
    this.dense = new Linear(config.hiddenSize, config.intermediateSize);
    this.act = activation(config.hiddenAct);
  }

  override forward(h: Tensor): Tensor {
    return this.act(this.dense.forward(h));
  }
}

/**
 * One encoder layer (post-norm):
 *
 *     a = LayerNorm(h + MultiHead(h))
 *     h' = LayerNorm(a + act(a W_1 + b_1) W_2 + b_2)
 */
export class BertLayer extends Module {
  readonly attention: BertAttention;
  readonly intermediate: BertIntermediate;
  readonly output: BertResidualOutput;

  constructor(config: BertConfig) {
    super();
    this.attention = new BertAttention(config);
    this.intermediate = new BertIntermediate(config);
    this.output = new BertResidualOutput(config, config.intermediateSize);
  }

  override forward(h: Tensor, mask: Tensor | null): Tensor {
    const a = this.attention.forward(h, mask);
    return this.output.forward(this.intermediate.forward(a), a);
  }
}

/** The stack of `numHiddenLayers` layers, under `layer.<i>`. */
export class BertEncoder extends Module {
  readonly layer: ModuleList<BertLayer>;

  constructor(config: BertConfig) {
    super();
    this.layer = new ModuleList(Array.from({ length: config.numHiddenLayers }, () => new BertLayer(config)));
  }

  override forward(h: Tensor, mask: Tensor | null): Tensor {
    for (const layer of this.layer) h = layer.forward(h, mask);
    return h;
  }
}
