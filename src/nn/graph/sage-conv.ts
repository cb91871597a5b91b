import { add, clamp, div, powScalar, sqrt, sum } from '../../autograd/ops/index.js';
import type { ScatterReduce } from '../../autograd/ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Linear, linear } from '../linear.js';
import type { LayerOptions } from '../parameter.js';
import { MessagePassing } from './message-passing.js';

export interface SAGEConvOptions extends LayerOptions {
  /** How neighbour features are aggregated: 'mean' (default), 'max' or 'sum'. */
  aggr?: ScatterReduce;
  /** L2-normalize every output row. Default false. */
  normalize?: boolean;
  /** Add the transformed root features W_r x_i. Default true. */
  rootWeight?: boolean;
  /** Learn an additive bias (in lin_l). Default true. */
  bias?: boolean;
}

/**
 * GraphSAGE (Hamilton et al.; PyG's SAGEConv): x'_i = W_l · aggr_{j ∈ N(i)} x_j + b + W_r x_i, then
 * x'_i / max(‖x'_i‖₂, 1e-12) when `normalize`. Nodes without incoming edges aggregate to 0.
 *
 * Args: `inChannels`, `outChannels`; options `aggr` ('mean'), `normalize` (false), `rootWeight` (true),
 * `bias` (true), `dtype`, `generator`.
 *
 * Shape: x [N, in], edgeIndex int32 [2, E] → [N, out].
 *
 * Parameters (PyG names): `lin_l.weight` [out, in], `lin_l.bias` [out], `lin_r.weight` [out, in] (no bias),
 * initialized as torch.nn.Linear.
 */
export class SAGEConv extends MessagePassing {
  readonly lin_l: Linear;
  readonly lin_r: Linear | null;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly opts: SAGEConvOptions = {}) {
    super(opts.aggr ?? 'mean');
    const layer = { dtype: opts.dtype, generator: opts.generator };
    this.lin_l = new Linear(inChannels, outChannels, { ...layer, bias: opts.bias ?? true });
    this.lin_r = opts.rootWeight ?? true ? new Linear(inChannels, outChannels, { ...layer, bias: false }) : null;
  }

  override forward(x: Tensor, edgeIndex: Tensor): Tensor {
    // Sum and mean commute with W_l: when it shrinks the features, transform first and aggregate fewer.
    const transformFirst = this.aggr !== 'max' && this.outChannels < this.inChannels;
    let out = transformFirst
      ? this.propagate(edgeIndex, linear(x, this.lin_l.weight))
      : this.lin_l.forward(this.propagate(edgeIndex, x));
    if (transformFirst && this.lin_l.bias) out = add(out, this.lin_l.bias);
    if (this.lin_r) out = add(out, this.lin_r.forward(x));
    if (this.opts.normalize) out = div(out, clamp(sqrt(sum(powScalar(out, 2), -1, true)), 1e-12));
    return out;
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, aggr=${this.aggr}`;
  }
}
