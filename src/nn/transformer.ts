import { fail } from '../errors.js';
import { zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { xavierUniform_ } from './init.js';
import { LayerNorm } from './layer-norm.js';
import { Module } from './module.js';
import { TransformerDecoder } from './transformer-decoder.js';
import { TransformerDecoderLayer } from './transformer-decoder-layer.js';
import { TransformerEncoder } from './transformer-encoder.js';
import { TransformerEncoderLayer, type TransformerLayerOptions } from './transformer-encoder-layer.js';

export interface TransformerOptions extends TransformerLayerOptions {
  /** Model width (default 512). */
  dModel?: number;
  /** Attention heads (default 8). */
  nhead?: number;
  /** Encoder layers (default 6). */
  numEncoderLayers?: number;
  /** Decoder layers (default 6). */
  numDecoderLayers?: number;
}

export interface TransformerCall {
  srcMask?: Tensor | null;
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
}

/**
 * The encoder-decoder Transformer of "Attention Is All You Need" (torch.nn.Transformer): an encoder stack
 * and a decoder stack, each ending in a LayerNorm, every weight matrix re-drawn xavier-uniform.
 *
 * Options: dModel (512), nhead (8), numEncoderLayers (6), numDecoderLayers (6), dimFeedforward (2048),
 * dropout (0.1), activation ('relu'), layerNormEps (1e-5), batchFirst (false), normFirst (false).
 *
 * Shape: src (S, N, E), tgt (T, N, E) (batch first with batchFirst) → (T, N, E).
 *
 * Attributes: encoder.layers.{i}…, encoder.norm, decoder.layers.{i}…, decoder.norm.
 */
export class Transformer extends Module {
  readonly encoder: TransformerEncoder;
  readonly decoder: TransformerDecoder;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  constructor(opts: TransformerOptions = {}) {
    super();
    this.dModel = opts.dModel ?? 512;
    this.nhead = opts.nhead ?? 8;
    this.batchFirst = opts.batchFirst ?? false;
    const eps = opts.layerNormEps ?? 1e-5;
    const norm = () => new LayerNorm(this.dModel, { ...opts, eps, bias: opts.bias ?? true });
    this.encoder = this.registerModule('encoder', new TransformerEncoder(
      new TransformerEncoderLayer(this.dModel, this.nhead, opts), opts.numEncoderLayers ?? 6, norm()));
    this.decoder = this.registerModule('decoder', new TransformerDecoder(
      new TransformerDecoderLayer(this.dModel, this.nhead, opts), opts.numDecoderLayers ?? 6, norm()));
    for (const p of this.parameters()) if (p.ndim > 1) xavierUniform_(p, 1, opts.generator);
  }

  override forward(src: Tensor, tgt: Tensor, opts: TransformerCall = {}): Tensor {
    const batch = this.batchFirst ? 0 : 1;
    if (src.ndim === 3 && tgt.ndim === 3 && src.shape[batch] !== tgt.shape[batch]) {
      fail('ShapeMismatch', `Transformer: the batch number of src and tgt must be equal, got ${src.shape[batch]} and ${tgt.shape[batch]}`);
    }
    const memory = this.encoder.forward(src, { mask: opts.srcMask, srcKeyPaddingMask: opts.srcKeyPaddingMask });
    return this.decoder.forward(tgt, memory, {
      tgtMask: opts.tgtMask, memoryMask: opts.memoryMask,
      tgtKeyPaddingMask: opts.tgtKeyPaddingMask, memoryKeyPaddingMask: opts.memoryKeyPaddingMask,
    });
  }

  /** A (sz, sz) float mask: 0 on and below the diagonal, -inf above (each position sees only earlier ones). */
  static generateSquareSubsequentMask(sz: number, dtype: 'float32' | 'float64' = 'float32'): Tensor {
    const m = zeros([sz, sz], { dtype });
    for (let i = 0; i < sz; i++) for (let j = i + 1; j < sz; j++) m.data[i * sz + j] = -Infinity;
    return m;
  }
}
