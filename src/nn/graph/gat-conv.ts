import {
  add, div, dropout, edgeList, indexSelect, leakyRelu, mul, removeSelfLoops, addSelfLoops, reshape, segmentSoftmax, sum, unsqueeze,
} from '../../autograd/ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { fail } from '../../errors.js';
import { Linear } from '../linear.js';
import { emptyParameter, type LayerOptions, type Parameter } from '../parameter.js';
import { glorot_ } from './glorot.js';
import { type EdgeContext, MessagePassing } from './message-passing.js';

export interface GATConvOptions extends LayerOptions {
  /** Number of attention heads. Default 1. */
  heads?: number;
  /** Concatenate the heads ([N, heads·out]); false averages them ([N, out]). Default true. */
  concat?: boolean;
  /** Slope of the LeakyReLU on the attention logits. Default 0.2. */
  negativeSlope?: number;
  /** Dropout probability of the attention coefficients during training. Default 0. */
  dropout?: number;
  /** Replace self loops by exactly one per node. Default true. */
  addSelfLoops?: boolean;
  /** Learn an additive bias. Default true. */
  bias?: boolean;
}

/**
 * The graph attention layer of Veličković et al. (PyG's GATConv): per head, h = x Θᵀ,
 * α_ij = softmax_{j ∈ N(i) ∪ {i}} LeakyReLU(a_srcᵀ h_j + a_dstᵀ h_i), x'_i = Σ_j α_ij h_j; heads
 * concatenated (or averaged), + bias. Dropout applies to α during training.
 *
 * Args: `inChannels`, `outChannels` (per head); options `heads` (1), `concat` (true), `negativeSlope` (0.2),
 * `dropout` (0), `addSelfLoops` (true), `bias` (true), `dtype`, `generator` (init and dropout).
 *
 * Shape: x [N, in], edgeIndex int32 [2, E] → [N, heads·out] (concat) or [N, out].
 *
 * Parameters (PyG names): `lin.weight` [heads·out, in], `att_src` and `att_dst` [1, heads, out] (Glorot),
 * `bias` [heads·out] or [out] (zeros).
 */
export class GATConv extends MessagePassing {
  readonly heads: number;
  readonly lin: Linear;
  readonly att_src: Parameter;
  readonly att_dst: Parameter;
  readonly bias: Parameter | null;

  constructor(readonly inChannels: number, readonly outChannels: number, readonly opts: GATConvOptions = {}) {
    super('sum');
    this.heads = opts.heads ?? 1;
    const p = opts.dropout ?? 0;
    if (!(p >= 0 && p < 1)) fail('InvalidArgument', `GATConv: dropout must be in [0, 1), got ${p}`);
    this.lin = new Linear(inChannels, this.heads * outChannels, { bias: false, dtype: opts.dtype, generator: opts.generator });
    glorot_(this.lin.weight, opts.generator);
    this.att_src = this.registerParameter('att_src', glorot_(emptyParameter([1, this.heads, outChannels], opts), opts.generator));
    this.att_dst = this.registerParameter('att_dst', glorot_(emptyParameter([1, this.heads, outChannels], opts), opts.generator));
    const biasSize = (opts.concat ?? true) ? this.heads * outChannels : outChannels;
    this.bias = this.registerParameter('bias', opts.bias ?? true ? emptyParameter([biasSize], opts) : null);
  }

  override forward(x: Tensor, edgeIndex: Tensor): Tensor {
    const N = x.shape[0];
    edgeList(edgeIndex, N, 'GATConv');
    let ei = edgeIndex;
    if (this.opts.addSelfLoops ?? true) ei = addSelfLoops(removeSelfLoops(edgeIndex).edgeIndex, { numNodes: N }).edgeIndex;
    const h = reshape(this.lin.forward(x), [N, this.heads, this.outChannels]);
    const alphaSrc = sum(mul(h, this.att_src), -1); // [N, heads]
    const alphaDst = sum(mul(h, this.att_dst), -1);
    const out = this.propagate(ei, h, { alphaSrc, alphaDst }); // [N, heads, out]
    const merged = (this.opts.concat ?? true) ? reshape(out, [N, this.heads * this.outChannels]) : div(sum(out, 1), this.heads);
    return this.bias ? add(merged, this.bias) : merged;
  }

  override message(xJ: Tensor, ctx: EdgeContext): Tensor {
    const { alphaSrc, alphaDst } = ctx.inputs as { alphaSrc: Tensor; alphaDst: Tensor };
    const logits = leakyRelu(add(indexSelect(alphaSrc, 0, ctx.src), indexSelect(alphaDst, 0, ctx.dst)), this.opts.negativeSlope ?? 0.2);
    let alpha = segmentSoftmax(logits, ctx.dst, ctx.numNodes);
    if (this.training && (this.opts.dropout ?? 0) > 0) alpha = dropout(alpha, this.opts.dropout!, true, this.opts.generator);
    return mul(xJ, unsqueeze(alpha, -1));
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, heads=${this.heads}`;
  }
}
