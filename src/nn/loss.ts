import { crossEntropy, type CrossEntropyOptions, mseLoss, nllLoss, type NllLossOptions, type Reduction } from '../autograd/ops/index.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

/**
 * Cross-entropy of logits against class indices (torch.nn.CrossEntropyLoss); see `crossEntropy`.
 * Options: ignoreIndex (-100), labelSmoothing (0), reduction ('mean').
 * Shape: input (N, C) or (N, C, d1, …) or (C); target (N) or (N, d1, …) or () of int class indices.
 */
export class CrossEntropyLoss extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly options: CrossEntropyOptions = {}) {
    super();
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, this.options);
  }

  override extraRepr(): string {
    return reprOptions(this.options);
  }
}

/** Negative log-likelihood of log-probabilities at class indices (torch.nn.NLLLoss); see `nllLoss`. */
export class NLLLoss extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly options: NllLossOptions = {}) {
    super();
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, this.options);
  }

  override extraRepr(): string {
    return reprOptions(this.options);
  }
}

/** Mean squared error (torch.nn.MSELoss): mean((input - target)²), or its sum, or elementwise ('none'). */
export class MSELoss extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly options: { reduction?: Reduction } = {}) {
    super();
  }

  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, this.options);
  }

  override extraRepr(): string {
    return reprOptions(this.options);
  }
}

function reprOptions(o: object): string {
  return Object.entries(o).map(([k, v]) => `${k}=${String(v)}`).join(', ');
}
