import { add } from '../autograd/ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { Dropout } from './dropout.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import type { Module } from './module.js';
import type { MultiheadAttention, MultiheadAttentionOptions } from './multihead-attention.js';
import type { LayerOptions } from './parameter.js';
import type { TransformerActivation } from './transformer-activation.js';

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

/** The options of a Transformer layer's attention modules (dropout and bias as the layer's). */
export function attentionOptions(opts: TransformerLayerOptions): MultiheadAttentionOptions {
  return { ...opts, dropout: opts.dropout ?? 0.1, bias: opts.bias ?? true, batchFirst: opts.batchFirst };
}

/** The masks of one attention block; causal applies only when no `mask` is given (as in PyTorch). */
export interface AttentionBlockMasks {
  mask?: Tensor | null;
  keyPaddingMask?: Tensor | null;
  isCausal?: boolean;
}

/** dropout(attn(query, kv, kv)): an attention sublayer without its weights. */
export function attentionBlock(attn: MultiheadAttention, dropout: Dropout, query: Tensor, kv: Tensor, masks: AttentionBlockMasks): Tensor {
  const [out] = attn.forward(query, kv, kv, {
    attnMask: masks.mask, keyPaddingMask: masks.keyPaddingMask, needWeights: false,
    isCausal: !masks.mask && (masks.isCausal ?? false),
  });
  return dropout.forward(out);
}

/** The feed-forward network of a Transformer layer (PyTorch's attribute names). */
export interface FeedForwardParts {
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
}

/** Registers `linear1`, `dropout`, `linear2` on `layer`, in that (PyTorch's) order. */
export function registerFeedForward(layer: Module, dModel: number, opts: TransformerLayerOptions): FeedForwardParts {
  const bias = opts.bias ?? true;
  const width = opts.dimFeedforward ?? 2048;
  return {
    linear1: layer.registerModule('linear1', new Linear(dModel, width, { ...opts, bias })),
    dropout: layer.registerModule('dropout', new Dropout(opts.dropout ?? 0.1)),
    linear2: layer.registerModule('linear2', new Linear(width, dModel, { ...opts, bias })),
  };
}

/** FF(x) = linear2(dropout(activation(linear1(x)))). */
export function feedForward(ff: FeedForwardParts, activation: (x: Tensor) => Tensor, x: Tensor): Tensor {
  return ff.linear2.forward(ff.dropout.forward(activation(ff.linear1.forward(x))));
}

/**
 * Registers the residual blocks' `norm1`…`normN`, then `dropout1`…`dropoutN` (PyTorch's order), N = `count`.
 */
export function registerResidualNorms(layer: Module, count: number, dModel: number, opts: TransformerLayerOptions): { norms: LayerNorm[]; dropouts: Dropout[] } {
  const eps = opts.layerNormEps ?? 1e-5;
  const bias = opts.bias ?? true;
  const norms: LayerNorm[] = [];
  const dropouts: Dropout[] = [];
  for (let i = 1; i <= count; i++) norms.push(layer.registerModule(`norm${i}`, new LayerNorm(dModel, { ...opts, eps, bias })));
  for (let i = 1; i <= count; i++) dropouts.push(layer.registerModule(`dropout${i}`, new Dropout(opts.dropout ?? 0.1)));
  return { norms, dropouts };
}

/** One residual block: pre-norm `x + sublayer(norm(x))`, post-norm `norm(x + sublayer(x))`. */
export function residual(x: Tensor, norm: LayerNorm, normFirst: boolean, sublayer: (x: Tensor) => Tensor): Tensor {
  return normFirst ? add(x, sublayer(norm.forward(x))) : norm.forward(add(x, sublayer(x)));
}
