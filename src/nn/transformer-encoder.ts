import type { Tensor } from '../tensor/tensor.js';
import { ModuleList } from './containers.js';
import type { LayerNorm } from './layer-norm.js';
import { deepCopyModule, Module } from './module.js';
import type { TransformerEncoderLayer, TransformerEncoderLayerCall } from './transformer-encoder-layer.js';

export interface TransformerEncoderCall {
  /** (S, S) or (N·nhead, S, S); bool True = masked out, or float added. */
  mask?: Tensor | null;
  /** (N, S); True = padding to ignore. */
  srcKeyPaddingMask?: Tensor | null;
  isCausal?: boolean;
}

/**
 * A stack of `numLayers` copies of `encoderLayer` (each a deep copy, so all start from the same weights,
 * as PyTorch's), then an optional final `norm` (torch.nn.TransformerEncoder). Parameters are named
 * `layers.{i}.…` and `norm.…`.
 */
export class TransformerEncoder extends Module {
  readonly layers: ModuleList<TransformerEncoderLayer>;
  readonly norm: LayerNorm | null;

  constructor(encoderLayer: TransformerEncoderLayer, readonly numLayers: number, norm: LayerNorm | null = null) {
    super();
    this.layers = this.registerModule('layers', new ModuleList(Array.from({ length: numLayers }, () => deepCopyModule(encoderLayer))));
    this.norm = this.registerModule('norm', norm);
  }

  override forward(src: Tensor, opts: TransformerEncoderCall = {}): Tensor {
    const call: TransformerEncoderLayerCall = { srcMask: opts.mask, srcKeyPaddingMask: opts.srcKeyPaddingMask, isCausal: opts.isCausal };
    let x = src;
    for (const layer of this.layers) x = layer.forward(x, call);
    return this.norm ? this.norm.forward(x) : x;
  }
}
