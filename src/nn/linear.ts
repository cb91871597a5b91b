import { addmm, matmul, reshape, t } from '../autograd/ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { kaimingUniform_, uniform_ } from './init.js';
import { Module } from './module.js';
import { emptyParameter, type LayerOptions, type Parameter } from './parameter.js';

export interface LinearOptions extends LayerOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * Applies an affine map to the last dimension: y = x Aᵀ + b (torch.nn.Linear).
 *
 * Args: `inFeatures`, `outFeatures`; options `bias` (default true), `dtype`, `generator`.
 *
 * Shape: input (*, in_features) → output (*, out_features).
 *
 * Attributes: `weight` (out_features, in_features) and `bias` (out_features), both drawn from
 * U(-√k, √k) with k = 1/in_features (weight through kaiming_uniform_ with a = √5, as PyTorch).
 *
 * Example: `new Linear(20, 30).forward(randn([128, 20]))` has shape [128, 30].
 */
export class Linear extends Module<[Tensor], Tensor> {
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: LinearOptions = {}) {
    super();
    this.weight = this.registerParameter('weight', emptyParameter([outFeatures, inFeatures], opts));
    this.bias = this.registerParameter('bias', opts.bias ?? true ? emptyParameter([outFeatures], opts) : null);
    kaimingUniform_(this.weight, { a: Math.sqrt(5), generator: opts.generator });
    if (this.bias) {
      const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
      uniform_(this.bias, -bound, bound, opts.generator);
    }
  }

  override forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}

/** y = x Wᵀ + b over the last dimension (leading dimensions are flattened into one GEMM). */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const lead = x.shape.slice(0, -1);
  const x2 = x.ndim === 2 ? x : reshape(x, [-1, x.shape[x.ndim - 1]]);
  const y = bias ? addmm(bias, x2, t(weight)) : matmul(x2, t(weight));
  return x.ndim === 2 ? y : reshape(y, [...lead, weight.shape[0]]);
}
