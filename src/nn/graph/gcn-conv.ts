import { add, edgeList, gcnNorm, mul, unsqueeze } from '../../autograd/ops/index.js';
import '../../autograd/methods.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Linear } from '../linear.js';
import { emptyParameter, type LayerOptions, type Parameter } from '../parameter.js';
import { glorot_ } from './glorot.js';
import { type EdgeContext, MessagePassing } from './message-passing.js';

export interface GCNConvOptions extends LayerOptions {
  /** Self loops weigh 2 (Â = A + 2I). Default false. */
  improved?: boolean;
  /** Normalize the edge index once and reuse it on later calls (transductive learning). Default false. */
  cached?: boolean;
  /** Give every node one self loop before normalizing. Default true. */
  addSelfLoops?: boolean;
  /** Apply the symmetric normalization D^-1/2 Â D^-1/2 (and the self loops). Default true. */
  normalize?: boolean;
  /** Learn an additive bias. Default true. */
  bias?: boolean;
}

/**
 * The graph convolution of Kipf & Welling (PyG's GCNConv):
 * x'_i = Σ_{j ∈ N(i) ∪ {i}} w_ji / √(d_j d_i) · (x_j Θᵀ) + b, with d_i = 1 + Σ_{j ∈ N(i)} w_ji
 * (w = edge weights, default 1; self loops weigh 2 when `improved`).
 *
 * Args: `inChannels`, `outChannels`; options `improved` (false), `cached` (false), `addSelfLoops` (true),
 * `normalize` (true; false sums the raw weighted messages without self loops), `bias` (true), `dtype`,
 * `generator`.
 *
 * Shape: x [N, in], edgeIndex int32 [2, E], edgeWeight [E] (optional) → [N, out].
 *
 * Parameters (PyG names): `lin.weight` [out, in] (Glorot), `bias` [out] (zeros).
 */
export class GCNConv extends MessagePassing<[Tensor, Tensor, (Tensor | null)?]> {
  readonly lin: Linear;
  readonly bias: Parameter | null;
  private cache: { edgeIndex: Tensor; edgeWeight: Tensor } | null = null;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly opts: GCNConvOptions = {}) {
    super('sum');
    this.lin = new Linear(inChannels, outChannels, { bias: false, dtype: opts.dtype, generator: opts.generator });
    glorot_(this.lin.weight, opts.generator);
    this.bias = this.registerParameter('bias', opts.bias ?? true ? emptyParameter([outChannels], opts) : null);
  }

  override forward(x: Tensor, edgeIndex: Tensor, edgeWeight: Tensor | null = null): Tensor {
    let edges = { edgeIndex, edgeWeight };
    if (this.opts.normalize ?? true) {
      if (!this.cache) edgeList(edgeIndex, x.shape[0], 'GCNConv');
      edges = this.cache ?? gcnNorm(edgeIndex, {
        numNodes: x.shape[0], edgeWeight, improved: this.opts.improved, addSelfLoops: this.opts.addSelfLoops, dtype: x.dtype,
      });
      if (this.opts.cached && !this.cache) this.cache = { edgeIndex: edges.edgeIndex, edgeWeight: edges.edgeWeight!.detach() };
    }
    const out = this.propagate(edges.edgeIndex, this.lin.forward(x), { edgeWeight: edges.edgeWeight });
    return this.bias ? add(out, this.bias) : out;
  }

  override message(xJ: Tensor, ctx: EdgeContext): Tensor {
    const w = ctx.inputs.edgeWeight;
    return w ? mul(xJ, unsqueeze(w, -1)) : xJ;
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}`;
  }
}
