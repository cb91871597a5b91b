import { edgeList, indexSelect, nodeIds, scatter, type ScatterReduce } from '../../autograd/ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Module } from '../module.js';

/** What `message` sees of the edges besides the gathered source features. */
export interface EdgeContext {
  /** Source node j of every edge, int32 [E]. */
  src: Tensor;
  /** Target node i of every edge, int32 [E]. */
  dst: Tensor;
  /** Number of nodes N. */
  numNodes: number;
  /** The named tensors the layer passed to `propagate` (per-edge weights, per-node attention terms, …). */
  inputs: Readonly<Record<string, Tensor | null>>;
}

/**
 * Base of the graph layers (PyG's MessagePassing): `propagate(edgeIndex, x)` computes, for every node i,
 * x'_i = update(aggregate_{j ∈ N(i)} message(x_j, …)), where N(i) are the sources j of the edges j → i in
 * `edgeIndex` (int32 [2, E]: row 0 sources, row 1 targets). `aggr` is 'sum' (default), 'mean' or 'max';
 * nodes without incoming edges aggregate to 0. Subclasses override `message` (default: x_j), and may
 * override `aggregate` and `update` (default: the aggregate).
 */
export class MessagePassing<Args extends unknown[] = [Tensor, Tensor], Out = Tensor> extends Module<Args, Out> {
  constructor(readonly aggr: ScatterReduce = 'sum') {
    super();
  }

  /**
   * Runs message passing over `edgeIndex` for node features `x` [N, *] (N = x.shape[0]); `inputs` are handed
   * to `message`. Throws LmkitError for an edge index that is not int32 [2, E] within [0, N).
   */
  propagate(edgeIndex: Tensor, x: Tensor, inputs: Record<string, Tensor | null> = {}): Tensor {
    const numNodes = x.shape[0];
    const edges = edgeList(edgeIndex, numNodes, this.constructor.name);
    const ctx: EdgeContext = { src: nodeIds(edges.src), dst: nodeIds(edges.dst), numNodes, inputs };
    const messages = this.message(indexSelect(x, 0, ctx.src), ctx);
    return this.update(this.aggregate(messages, ctx), x);
  }

  /** The message of every edge j → i from the source features x_j [E, *]. Default: x_j. */
  message(xJ: Tensor, ctx: EdgeContext): Tensor {
    void ctx;
    return xJ;
  }

  /** Reduces the messages [E, *] into their target nodes → [N, *] with `aggr`. */
  aggregate(messages: Tensor, ctx: EdgeContext): Tensor {
    return scatter(messages, ctx.dst, ctx.numNodes, this.aggr);
  }

  /** The new node features from the aggregated messages [N, *] (and the input features x). Default: the aggregate. */
  update(aggregated: Tensor, x: Tensor): Tensor {
    void x;
    return aggregated;
  }

  override extraRepr(): string {
    return `aggr=${this.aggr}`;
  }
}
