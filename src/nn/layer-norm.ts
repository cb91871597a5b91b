import { layerNorm } from '../autograd/ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { ones_, zeros_ } from './init.js';
import { Module } from './module.js';
import { emptyParameter, type LayerOptions, type Parameter } from './parameter.js';

export interface LayerNormOptions extends LayerOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learn `weight` and `bias` (default true). */
  elementwiseAffine?: boolean;
  /** Learn `bias` when affine (default true). */
  bias?: boolean;
}

/**
 * y = (x - E[x]) / sqrt(Var[x] + eps) · γ + β over the last `normalizedShape` dimensions
 * (torch.nn.LayerNorm; biased variance).
 *
 * Shape: input (*, normalized_shape) → output of the same shape.
 *
 * Attributes: `weight` γ (normalized_shape) initialized to 1, `bias` β initialized to 0.
 */
export class LayerNorm extends Module<[Tensor], Tensor> {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], opts: LayerNormOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape.slice();
    this.eps = opts.eps ?? 1e-5;
    const affine = opts.elementwiseAffine ?? true;
    this.weight = this.registerParameter('weight', affine ? ones_(emptyParameter(this.normalizedShape, opts)) as Parameter : null);
    this.bias = this.registerParameter('bias', affine && (opts.bias ?? true) ? zeros_(emptyParameter(this.normalizedShape, opts)) as Parameter : null);
  }

  override forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight ?? undefined, this.bias ?? undefined, this.eps);
  }

  override extraRepr(): string {
    const shape = this.normalizedShape.length === 1 ? `(${this.normalizedShape[0]},)` : `(${this.normalizedShape.join(', ')})`;
    return `${shape}, eps=${this.eps}, elementwise_affine=${this.weight ? 'True' : 'False'}`;
  }
}
