import { add } from '../autograd/ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { MultiheadAttention } from './multihead-attention.js';
import type { LayerOptions } from './parameter.js';
import { activationFn, type TransformerActivation } from './transformer-activation.js';

export interface TransformerLayerOptions extends LayerOptions {
  /** Width of the feed-forward network (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward network (default 0.1). */
  dropout?: number;
  /** 'relu' (default), 'gelu' or a function. */
  activation?: TransformerActivation;
  /** LayerNorm eps (default 1e-5). */
  layerNormEps?: number;
  /** (batch, seq, feature) inputs (default false: (seq, batch, feature)). */
  batchFirst?: boolean;
  /** Pre-norm: LayerNorm before attention and feed-forward instead of after (default false). */
  normFirst?: boolean;
  /** Learn the biases of the Linear and LayerNorm layers (default true). */
  bias?: boolean;
}

export interface TransformerEncoderLayerCall {
  /** (S, S) or (N·nhead, S, S); bool True = masked out, or float added. */
  srcMask?: Tensor | null;
  /** (N, S); True = padding to ignore. */
  srcKeyPaddingMask?: Tensor | null;
  /** Causal self-attention when srcMask is not given. */
  isCausal?: boolean;
}

/**
 * Self-attention and a feed-forward network, each in a residual block (torch.nn.TransformerEncoderLayer):
 *
 *     post-norm: x = norm1(x + SA(x));  x = norm2(x + FF(x))
 *     pre-norm:  x = x + SA(norm1(x));  x = x + FF(norm2(x))
 *     FF(x) = linear2(dropout(activation(linear1(x))))
 *
 * Args: `dModel`, `nhead`; options dimFeedforward (2048), dropout (0.1), activation ('relu'),
 * layerNormEps (1e-5), batchFirst (false), normFirst (false), bias (true).
 *
 * Shape: src (S, N, E) or (N, S, E) with batchFirst → same shape.
 *
 * Attributes (PyTorch's names): self_attn, linear1, dropout, linear2, norm1, norm2, dropout1, dropout2.
 */
export class TransformerEncoderLayer extends Module {
  readonly selfAttn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;
  readonly normFirst: boolean;
  private readonly activation: (x: Tensor) => Tensor;

  constructor(readonly dModel: number, readonly nhead: number, opts: TransformerLayerOptions = {}) {
    super();
    const p = opts.dropout ?? 0.1;
    const bias = opts.bias ?? true;
    const eps = opts.layerNormEps ?? 1e-5;
    const ff = opts.dimFeedforward ?? 2048;
    this.selfAttn = this.registerModule('self_attn', new MultiheadAttention(dModel, nhead, { ...opts, dropout: p, bias, batchFirst: opts.batchFirst }));
    this.linear1 = this.registerModule('linear1', new Linear(dModel, ff, { ...opts, bias }));
    this.dropout = this.registerModule('dropout', new Dropout(p));
    this.linear2 = this.registerModule('linear2', new Linear(ff, dModel, { ...opts, bias }));
    this.normFirst = opts.normFirst ?? false;
    this.norm1 = this.registerModule('norm1', new LayerNorm(dModel, { ...opts, eps, bias }));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dModel, { ...opts, eps, bias }));
    this.dropout1 = this.registerModule('dropout1', new Dropout(p));
    this.dropout2 = this.registerModule('dropout2', new Dropout(p));
    this.activation = activationFn(opts.activation ?? 'relu');
  }

  override forward(src: Tensor, opts: TransformerEncoderLayerCall = {}): Tensor {
    let x = src;
    if (this.normFirst) {
      x = add(x, this.selfAttentionBlock(this.norm1.forward(x), opts));
      x = add(x, this.feedForwardBlock(this.norm2.forward(x)));
    } else {
      x = this.norm1.forward(add(x, this.selfAttentionBlock(x, opts)));
      x = this.norm2.forward(add(x, this.feedForwardBlock(x)));
    }
    return x;
  }

  private selfAttentionBlock(x: Tensor, opts: TransformerEncoderLayerCall): Tensor {
    const [out] = this.selfAttn.forward(x, x, x, {
      attnMask: opts.srcMask, keyPaddingMask: opts.srcKeyPaddingMask, needWeights: false,
      isCausal: !opts.srcMask && (opts.isCausal ?? false),
    });
    return this.dropout1.forward(out);
  }

  private feedForwardBlock(x: Tensor): Tensor {
    return this.dropout2.forward(this.linear2.forward(this.dropout.forward(this.activation(this.linear1.forward(x)))));
  }
}
