import { dropout } from '../autograd/ops/index.js';
import { fail } from '../errors.js';
import type { Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/**
 * During training, zeroes each element with probability `p` and scales the rest by 1/(1-p)
 * (torch.nn.Dropout); the identity in eval mode. Draws from `generator` (the global one by default).
 */
export class Dropout extends Module<[Tensor], Tensor> {
  constructor(readonly p = 0.5, readonly generator?: Generator) {
    super();
    if (!(p >= 0 && p <= 1)) fail('InvalidArgument', `Dropout: p must be in [0, 1], got ${p}`);
  }

  override forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    return dropout(x, this.p, this.training, this.generator);
  }

  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
