import { embedding } from '../autograd/ops/index.js';
import { fail } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { normal_ } from './init.js';
import { Module } from './module.js';
import { emptyParameter, type LayerOptions, type Parameter } from './parameter.js';

export interface EmbeddingOptions extends LayerOptions {
  /** This row is zero at initialization and receives no gradient (negative counts from the end). */
  paddingIdx?: number | null;
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim` (torch.nn.Embedding).
 *
 * Shape: ids (*) of integers in [0, num_embeddings) → (*, embedding_dim).
 *
 * Attributes: `weight` (num_embeddings, embedding_dim) drawn from N(0, 1), the `paddingIdx` row zeroed.
 */
export class Embedding extends Module<[Tensor], Tensor> {
  readonly weight: Parameter;
  readonly paddingIdx: number | null;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, opts: EmbeddingOptions = {}) {
    super();
    let pad = opts.paddingIdx ?? null;
    if (pad !== null) {
      if (!Number.isInteger(pad) || pad >= numEmbeddings || pad < -numEmbeddings) {
        fail('InvalidArgument', `Embedding: paddingIdx must be within num_embeddings (${numEmbeddings}), got ${pad}`);
      }
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    this.weight = this.registerParameter('weight', emptyParameter([numEmbeddings, embeddingDim], opts));
    normal_(this.weight, 0, 1, opts.generator);
    if (pad !== null) this.weight.data.fill(0, pad * embeddingDim, (pad + 1) * embeddingDim);
  }

  /**
   * An Embedding holding a copy of `weights` (num_embeddings, embedding_dim), like
   * torch.nn.Embedding.from_pretrained; `freeze` (default true) turns its gradient off.
   */
  static fromPretrained(weights: Tensor, opts: { freeze?: boolean; paddingIdx?: number | null } = {}): Embedding {
    if (weights.ndim !== 2) fail('ShapeMismatch', `Embedding.fromPretrained: expected weights of 2 dims, got [${weights.shape.join(', ')}]`);
    const dtype = weights.dtype === 'float64' ? 'float64' : 'float32';
    const e = new Embedding(weights.shape[0], weights.shape[1], { dtype, paddingIdx: opts.paddingIdx });
    e.loadStateDict({ weight: weights });
    e.weight.requiresGrad = !(opts.freeze ?? true);
    return e;
  }

  override forward(ids: Tensor): Tensor {
    return embedding(ids, this.weight, this.paddingIdx ?? undefined);
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}
