import type { Tensor } from '../tensor/tensor.js';
import type { Dropout } from './dropout.js';
import type { LayerNorm } from './layer-norm.js';
import type { Linear } from './linear.js';
import { Module } from './module.js';
import { MultiheadAttention } from './multihead-attention.js';
import { activationFn } from './transformer-activation.js';
import { attentionBlock, attentionOptions, feedForward, registerFeedForward, registerResidualNorms, residual, type TransformerLayerOptions } from './transformer-layer-parts.js';

export type { TransformerLayerOptions };

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
    this.selfAttn = this.registerModule('self_attn', new MultiheadAttention(dModel, nhead, attentionOptions(opts)));
    ({ linear1: this.linear1, dropout: this.dropout, linear2: this.linear2 } = registerFeedForward(this, dModel, opts));
    this.normFirst = opts.normFirst ?? false;
    const { norms, dropouts } = registerResidualNorms(this, 2, dModel, opts);
    [this.norm1, this.norm2] = norms;
    [this.dropout1, this.dropout2] = dropouts;
    this.activation = activationFn(opts.activation ?? 'relu');
  }

  override forward(src: Tensor, opts: TransformerEncoderLayerCall = {}): Tensor {
    const x = residual(src, this.norm1, this.normFirst, (h) => this.selfAttentionBlock(h, opts));
    return residual(x, this.norm2, this.normFirst, (h) => this.dropout2.forward(feedForward(this, this.activation, h)));
  }

  private selfAttentionBlock(x: Tensor, opts: TransformerEncoderLayerCall): Tensor {
    return attentionBlock(this.selfAttn, this.dropout1, x, x, { mask: opts.srcMask, keyPaddingMask: opts.srcKeyPaddingMask, isCausal: opts.isCausal });
  }
}
