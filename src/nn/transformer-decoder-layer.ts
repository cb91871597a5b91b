import type { Tensor } from '../tensor/tensor.js';
import type { Dropout } from './dropout.js';
import type { LayerNorm } from './layer-norm.js';
import type { Linear } from './linear.js';
import { Module } from './module.js';
import { MultiheadAttention } from './multihead-attention.js';
import { activationFn } from './transformer-activation.js';
import { attentionBlock, attentionOptions, feedForward, registerFeedForward, registerResidualNorms, residual, type TransformerLayerOptions } from './transformer-layer-parts.js';

export interface TransformerDecoderLayerCall {
  /** (T, T) or (N·nhead, T, T); bool True = masked out, or float added. */
  tgtMask?: Tensor | null;
  /** (T, S) or (N·nhead, T, S) mask of the attention over the memory. */
  memoryMask?: Tensor | null;
  /** (N, T); True = padding to ignore. */
  tgtKeyPaddingMask?: Tensor | null;
  /** (N, S); True = padding to ignore. */
  memoryKeyPaddingMask?: Tensor | null;
  /** Causal self-attention when tgtMask is not given. */
  tgtIsCausal?: boolean;
  /** Causal attention over the memory when memoryMask is not given. */
  memoryIsCausal?: boolean;
}

/**
 * Self-attention, attention over the encoder's output (memory) and a feed-forward network, each in a
 * residual block (torch.nn.TransformerDecoderLayer):
 *
 *     post-norm: x = norm1(x + SA(x));  x = norm2(x + MHA(x, mem));  x = norm3(x + FF(x))
 *     pre-norm:  x = x + SA(norm1(x));  x = x + MHA(norm2(x), mem);  x = x + FF(norm3(x))
 *
 * Args and options as TransformerEncoderLayer. Shape: tgt (T, N, E), memory (S, N, E) (batch first with
 * batchFirst) → like tgt.
 *
 * Attributes (PyTorch's names): self_attn, multihead_attn, linear1, dropout, linear2, norm1, norm2, norm3,
 * dropout1, dropout2, dropout3.
 */
export class TransformerDecoderLayer extends Module {
  readonly selfAttn: MultiheadAttention;
  readonly multiheadAttn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly norm3: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;
  readonly dropout3: Dropout;
  readonly normFirst: boolean;
  private readonly activation: (x: Tensor) => Tensor;

  constructor(readonly dModel: number, readonly nhead: number, opts: TransformerLayerOptions = {}) {
    super();
    const attn = attentionOptions(opts);
    this.selfAttn = this.registerModule('self_attn', new MultiheadAttention(dModel, nhead, attn));
    this.multiheadAttn = this.registerModule('multihead_attn', new MultiheadAttention(dModel, nhead, attn));
    ({ linear1: this.linear1, dropout: this.dropout, linear2: this.linear2 } = registerFeedForward(this, dModel, opts));
    this.normFirst = opts.normFirst ?? false;
    const { norms, dropouts } = registerResidualNorms(this, 3, dModel, opts);
    [this.norm1, this.norm2, this.norm3] = norms;
    [this.dropout1, this.dropout2, this.dropout3] = dropouts;
    this.activation = activationFn(opts.activation ?? 'relu');
  }

  override forward(tgt: Tensor, memory: Tensor, opts: TransformerDecoderLayerCall = {}): Tensor {
    let x = residual(tgt, this.norm1, this.normFirst, (h) => this.selfAttentionBlock(h, opts));
    x = residual(x, this.norm2, this.normFirst, (h) => this.memoryAttentionBlock(h, memory, opts));
    return residual(x, this.norm3, this.normFirst, (h) => this.dropout3.forward(feedForward(this, this.activation, h)));
  }

  private selfAttentionBlock(x: Tensor, opts: TransformerDecoderLayerCall): Tensor {
    return attentionBlock(this.selfAttn, this.dropout1, x, x, { mask: opts.tgtMask, keyPaddingMask: opts.tgtKeyPaddingMask, isCausal: opts.tgtIsCausal });
  }

  private memoryAttentionBlock(x: Tensor, mem: Tensor, opts: TransformerDecoderLayerCall): Tensor {
    return attentionBlock(this.multiheadAttn, this.dropout2, x, mem, { mask: opts.memoryMask, keyPaddingMask: opts.memoryKeyPaddingMask, isCausal: opts.memoryIsCausal });
  }
}
