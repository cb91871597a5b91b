import { add } from '../autograd/ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { MultiheadAttention } from './multihead-attention.js';
import { activationFn } from './transformer-activation.js';
import type { TransformerLayerOptions } from './transformer-encoder-layer.js';

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
    const p = opts.dropout ?? 0.1;
    const bias = opts.bias ?? true;
    const eps = opts.layerNormEps ?? 1e-5;
    const ff = opts.dimFeedforward ?? 2048;
    const attn = { ...opts, dropout: p, bias, batchFirst: opts.batchFirst };
    this.selfAttn = this.registerModule('self_attn', new MultiheadAttention(dModel, nhead, attn));
    this.multiheadAttn = this.registerModule('multihead_attn', new MultiheadAttention(dModel, nhead, attn));
    this.linear1 = this.registerModule('linear1', new Linear(dModel, ff, { ...opts, bias }));
    this.dropout = this.registerModule('dropout', new Dropout(p));
    this.linear2 = this.registerModule('linear2', new Linear(ff, dModel, { ...opts, bias }));
    this.normFirst = opts.normFirst ?? false;
    this.norm1 = this.registerModule('norm1', new LayerNorm(dModel, { ...opts, eps, bias }));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dModel, { ...opts, eps, bias }));
    this.norm3 = this.registerModule('norm3', new LayerNorm(dModel, { ...opts, eps, bias }));
    this.dropout1 = this.registerModule('dropout1', new Dropout(p));
    this.dropout2 = this.registerModule('dropout2', new Dropout(p));
    this.dropout3 = this.registerModule('dropout3', new Dropout(p));
    this.activation = activationFn(opts.activation ?? 'relu');
  }

  override forward(tgt: Tensor, memory: Tensor, opts: TransformerDecoderLayerCall = {}): Tensor {
    let x = tgt;
    if (this.normFirst) {
      x = add(x, this.selfAttentionBlock(this.norm1.forward(x), opts));
      x = add(x, this.memoryAttentionBlock(this.norm2.forward(x), memory, opts));
      x = add(x, this.feedForwardBlock(this.norm3.forward(x)));
    } else {
      x = this.norm1.forward(add(x, this.selfAttentionBlock(x, opts)));
      x = this.norm2.forward(add(x, this.memoryAttentionBlock(x, memory, opts)));
      x = this.norm3.forward(add(x, this.feedForwardBlock(x)));
    }
    return x;
  }

  private selfAttentionBlock(x: Tensor, opts: TransformerDecoderLayerCall): Tensor {
    const [out] = this.selfAttn.forward(x, x, x, {
      attnMask: opts.tgtMask, keyPaddingMask: opts.tgtKeyPaddingMask, needWeights: false,
      isCausal: !opts.tgtMask && (opts.tgtIsCausal ?? false),
    });
    return this.dropout1.forward(out);
  }

  private memoryAttentionBlock(x: Tensor, mem: Tensor, opts: TransformerDecoderLayerCall): Tensor {
    const [out] = this.multiheadAttn.forward(x, mem, mem, {
      attnMask: opts.memoryMask, keyPaddingMask: opts.memoryKeyPaddingMask, needWeights: false,
      isCausal: !opts.memoryMask && (opts.memoryIsCausal ?? false),
    });
    return this.dropout2.forward(out);
  }

  private feedForwardBlock(x: Tensor): Tensor {
    return this.dropout3.forward(this.linear2.forward(this.dropout.forward(this.activation(this.linear1.forward(x)))));
  }
}
