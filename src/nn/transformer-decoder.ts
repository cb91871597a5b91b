import type { Tensor } from '../tensor/tensor.js';
import { ModuleList } from './containers.js';
import type { LayerNorm } from './layer-norm.js';
import { deepCopyModule, Module } from './module.js';
import type { TransformerDecoderLayer, TransformerDecoderLayerCall } from './transformer-decoder-layer.js';

/**
 * A stack of `numLayers` copies of `decoderLayer`, then an optional final `norm`
 * (torch.nn.TransformerDecoder). Parameters are named `layers.{i}.…` and `norm.…`.
 */
export class TransformerDecoder extends Module {
  readonly layers: ModuleList<TransformerDecoderLayer>;
  readonly norm: LayerNorm | null;

  constructor(decoderLayer: TransformerDecoderLayer, readonly numLayers: number, norm: LayerNorm | null = null) {
    super();
    this.layers = this.registerModule('layers', new ModuleList(Array.from({ length: numLayers }, () => deepCopyModule(decoderLayer))));
    this.norm = this.registerModule('norm', norm);
  }

  override forward(tgt: Tensor, memory: Tensor, opts: TransformerDecoderLayerCall = {}): Tensor {
    let x = tgt;
    for (const layer of this.layers) x = layer.forward(x, memory, opts);
    return this.norm ? this.norm.forward(x) : x;
  }
}
