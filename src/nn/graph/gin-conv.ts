import { add, mul } from '../../autograd/ops/index.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { MessagePassing } from './message-passing.js';

export interface GINConvOptions {
  /** The (initial) ε. Default 0. */
  eps?: number;
  /** Learn ε as a parameter (otherwise it is a buffer). Default false. */
  trainEps?: boolean;
}

/**
 * The graph isomorphism operator of Xu et al. (PyG's GINConv): x'_i = nn((1 + ε) · x_i + Σ_{j ∈ N(i)} x_j).
 *
 * Args: `nn`, a module mapping [N, in] → [N, out] (e.g. a Sequential MLP); options `eps` (0),
 * `trainEps` (false).
 *
 * Shape: x [N, in], edgeIndex int32 [2, E] → [N, out].
 *
 * State (PyG names): `nn.*` (the wrapped module's), `eps` [1] (a parameter when `trainEps`, else a buffer).
 */
export class GINConv extends MessagePassing {
  readonly eps: Tensor;

  constructor(readonly nn: Module<[Tensor], Tensor>, opts: GINConvOptions = {}) {
    super('sum');
    const dtype = nn.parameters()[0]?.dtype === 'float64' ? 'float64' : 'float32';
    const eps = new Tensor(dtype === 'float64' ? Float64Array.of(opts.eps ?? 0) : Float32Array.of(opts.eps ?? 0), [1], dtype);
    this.eps = opts.trainEps ? this.registerParameter('eps', new Parameter(eps)) : this.registerBuffer('eps', eps);
  }

  override forward(x: Tensor, edgeIndex: Tensor): Tensor {
    return this.nn.forward(this.propagate(edgeIndex, x));
  }

  /** (1 + ε) · x_i + the summed neighbours. */
  override update(aggregated: Tensor, x: Tensor): Tensor {
    return add(aggregated, mul(x, add(this.eps, 1)));
  }
}
