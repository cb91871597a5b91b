/**
 * Edge-index utilities as PyTorch Geometric's `torch_geometric.utils` defines them. An edge index is an
 * int32 tensor [2, E]: row 0 holds source nodes j, row 1 target nodes i; messages flow j → i.
 */
import { fail } from '../../errors.js';
import { type DType, isFloat } from '../../tensor/dtype.js';
import { emptyTensor, Tensor } from '../../tensor/tensor.js';
import { add, div, exp, mul, rsqrt, sub } from './elementwise.js';
import { indexSelect, maskedFill } from './indexing.js';
import { cat } from './join.js';
import { scatter } from './scatter-reduce.js';
import { contiguousRaw } from './util.js';

/** The sources and targets of a validated edge index. */
export interface EdgeList {
  src: Int32Array;
  dst: Int32Array;
}

/** An edge index with optional per-edge weights [E]. */
export interface WeightedEdges {
  edgeIndex: Tensor;
  edgeWeight: Tensor | null;
}

/**
 * Checks that `edgeIndex` is int32 [2, E] with every node in [0, numNodes) and returns its two rows.
 * Throws LmkitError DTypeMismatch, ShapeMismatch or IndexOutOfRange naming `op`.
 */
export function edgeList(edgeIndex: Tensor, numNodes: number, op = 'edgeIndex'): EdgeList {
  if (edgeIndex.dtype !== 'int32') fail('DTypeMismatch', `${op}: expected an int32 edge index, got ${edgeIndex.dtype}`);
  if (edgeIndex.ndim !== 2 || edgeIndex.shape[0] !== 2) {
    fail('ShapeMismatch', `${op}: expected an edge index of shape [2, E], got [${edgeIndex.shape.join(', ')}]`);
  }
  const d = contiguousRaw(edgeIndex).data as Int32Array;
  const E = edgeIndex.shape[1];
  for (let e = 0; e < 2 * E; e++) {
    if (d[e] < 0 || d[e] >= numNodes) {
      fail('IndexOutOfRange', `${op}: node ${d[e]} in the edge index (${e < E ? 'source' : 'target'} of edge ${e % E}) is out of range [0, ${numNodes})`);
    }
  }
  return { src: d.slice(0, E), dst: d.slice(E, 2 * E) };
}

/** Builds an int32 [2, E] edge index from its source and target rows. */
export function edgeIndexOf(src: ArrayLike<number>, dst: ArrayLike<number>): Tensor {
  const E = src.length;
  const d = new Int32Array(2 * E);
  d.set(src, 0);
  d.set(dst, E);
  return new Tensor(d, [2, E], 'int32');
}

/** A 1-D int32 tensor of node ids. */
export function nodeIds(ids: Int32Array): Tensor {
  return new Tensor(ids, [ids.length], 'int32');
}

function checkWeight(edgeWeight: Tensor | null | undefined, E: number, op: string): void {
  if (edgeWeight && (edgeWeight.ndim !== 1 || edgeWeight.shape[0] !== E)) {
    fail('ShapeMismatch', `${op}: expected an edge weight of shape [${E}], got [${edgeWeight.shape.join(', ')}]`);
  }
}

/** Options of the self-loop utilities. */
export interface SelfLoopOptions {
  /** Number of nodes N (default: 1 + the largest node id). */
  numNodes?: number;
  /** Weights [E] of the existing edges; the result then has weights too. */
  edgeWeight?: Tensor | null;
  /** Weight of the added loops. Default 1. */
  fillValue?: number;
}

/** Number of nodes implied by an edge index: 1 + its largest id (0 for no edges). */
export function maybeNumNodes(edgeIndex: Tensor, numNodes?: number): number {
  if (numNodes !== undefined) return numNodes;
  const d = contiguousRaw(edgeIndex).data as Int32Array;
  let m = -1;
  for (const v of d) m = Math.max(m, v);
  return m + 1;
}

function loopWeights(edgeWeight: Tensor, fillValue: number, n: number): Tensor {
  const fill = emptyTensor([n], edgeWeight.dtype);
  fill.data.fill(fillValue);
  return cat([edgeWeight, fill]);
}

/** PyG's add_self_loops: appends the loop i → i for every node (existing loops stay). */
export function addSelfLoops(edgeIndex: Tensor, opts: SelfLoopOptions = {}): WeightedEdges {
  const N = maybeNumNodes(edgeIndex, opts.numNodes);
  const { src, dst } = edgeList(edgeIndex, N, 'addSelfLoops');
  checkWeight(opts.edgeWeight, src.length, 'addSelfLoops');
  const loops = Int32Array.from({ length: N }, (_, i) => i);
  const out = edgeIndexOf([...src, ...loops], [...dst, ...loops]);
  return { edgeIndex: out, edgeWeight: opts.edgeWeight ? loopWeights(opts.edgeWeight, opts.fillValue ?? 1, N) : null };
}

/** PyG's remove_self_loops: drops every edge i → i. */
export function removeSelfLoops(edgeIndex: Tensor, edgeWeight: Tensor | null = null): WeightedEdges {
  const { src, dst } = edgeList(edgeIndex, maybeNumNodes(edgeIndex), 'removeSelfLoops');
  checkWeight(edgeWeight, src.length, 'removeSelfLoops');
  const keep = Int32Array.from(src.keys()).filter((e) => src[e] !== dst[e]);
  return {
    edgeIndex: edgeIndexOf(Array.from(keep, (e) => src[e]), Array.from(keep, (e) => dst[e])),
    edgeWeight: edgeWeight ? indexSelect(edgeWeight, 0, nodeIds(keep)) : null,
  };
}

/**
 * PyG's add_remaining_self_loops: keeps the edges that are not loops and gives every node exactly one
 * loop, weighted `fillValue` unless the node already had one (then that loop's weight is kept).
 */
export function addRemainingSelfLoops(edgeIndex: Tensor, opts: SelfLoopOptions = {}): WeightedEdges {
  const N = maybeNumNodes(edgeIndex, opts.numNodes);
  const { src, dst } = edgeList(edgeIndex, N, 'addRemainingSelfLoops');
  const E = src.length;
  checkWeight(opts.edgeWeight, E, 'addRemainingSelfLoops');
  // pick[k] is the weight position of output edge k: an input edge, or E + i for node i's filled loop.
  const pick: number[] = [];
  const s: number[] = [];
  const t: number[] = [];
  const loopAt = Int32Array.from({ length: N }, (_, i) => E + i);
  for (let e = 0; e < E; e++) {
    if (src[e] === dst[e]) loopAt[src[e]] = e;
    else {
      pick.push(e);
      s.push(src[e]);
      t.push(dst[e]);
    }
  }
  for (let i = 0; i < N; i++) {
    pick.push(loopAt[i]);
    s.push(i);
    t.push(i);
  }
  const w = opts.edgeWeight ? indexSelect(loopWeights(opts.edgeWeight, opts.fillValue ?? 1, N), 0, nodeIds(Int32Array.from(pick))) : null;
  return { edgeIndex: edgeIndexOf(s, t), edgeWeight: w };
}

/** PyG's degree(index, numNodes): how often each node occurs in `index` (int32 [E]) → [numNodes]. */
export function degree(index: Tensor, numNodes?: number, dtype: DType = 'float32'): Tensor {
  if (index.dtype !== 'int32' || index.ndim !== 1) fail('DTypeMismatch', `degree: expected a 1-D int32 index, got ${index.dtype} [${index.shape.join(', ')}]`);
  const d = contiguousRaw(index).data as Int32Array;
  const N = numNodes ?? d.reduce((m, v) => Math.max(m, v + 1), 0);
  const out = emptyTensor([N], isFloat(dtype) ? dtype : 'float32');
  for (const v of d) {
    if (v < 0 || v >= N) fail('IndexOutOfRange', `degree: node ${v} is out of range [0, ${N})`);
    out.data[v] += 1;
  }
  return out;
}

/**
 * PyG's to_undirected: adds the reverse of every edge and coalesces (sorted by source, then target, with
 * duplicates removed).
 */
export function toUndirected(edgeIndex: Tensor, numNodes?: number): Tensor {
  const N = maybeNumNodes(edgeIndex, numNodes);
  const { src, dst } = edgeList(edgeIndex, N, 'toUndirected');
  const keys = new Set<number>();
  for (let e = 0; e < src.length; e++) {
    keys.add(src[e] * N + dst[e]);
    keys.add(dst[e] * N + src[e]);
  }
  const sorted = Float64Array.from(keys).sort();
  return edgeIndexOf(Array.from(sorted, (k) => Math.floor(k / N)), Array.from(sorted, (k) => k % N));
}

/** Options of gcnNorm (the GCNConv arguments it serves). */
export interface GcnNormOptions {
  numNodes?: number;
  /** Weights [E] of the edges (default all 1). Differentiable. */
  edgeWeight?: Tensor | null;
  /** Self loops weigh 2 instead of 1 (Â = A + 2I). Default false. */
  improved?: boolean;
  /** Give every node one self loop first (add_remaining_self_loops). Default true. */
  addSelfLoops?: boolean;
  /** dtype of the computed weights when no edgeWeight is given. Default float32. */
  dtype?: DType;
}

/**
 * PyG's gcn_norm: the edge weights of D^-1/2 Â D^-1/2, w'_ji = deg_j^-1/2 · w_ji · deg_i^-1/2, where
 * deg_i = Σ of the weights of edges into i (after adding self loops); nodes of degree 0 get 0.
 */
export function gcnNorm(edgeIndex: Tensor, opts: GcnNormOptions = {}): { edgeIndex: Tensor; edgeWeight: Tensor } {
  const N = maybeNumNodes(edgeIndex, opts.numNodes);
  const E = edgeIndex.shape[1];
  let weight = opts.edgeWeight ?? null;
  if (!weight) {
    weight = emptyTensor([E], opts.dtype ?? 'float32');
    weight.data.fill(1);
  }
  let ei = edgeIndex;
  if (opts.addSelfLoops ?? true) ({ edgeIndex: ei, edgeWeight: weight } = addRemainingSelfLoops(edgeIndex, { numNodes: N, edgeWeight: weight, fillValue: opts.improved ? 2 : 1 }));
  const { src, dst } = edgeList(ei, N, 'gcnNorm');
  const w = weight!;
  const deg = scatter(w, nodeIds(dst), N, 'sum');
  const zero = new Tensor(Uint8Array.from(contiguousRaw(deg).data as ArrayLike<number>, (v) => (v === 0 ? 1 : 0)), [N], 'bool');
  const invSqrt = maskedFill(rsqrt(maskedFill(deg, zero, 1)), zero, 0);
  return { edgeIndex: ei, edgeWeight: mul(mul(indexSelect(invSqrt, 0, nodeIds(src)), w), indexSelect(invSqrt, 0, nodeIds(dst))) };
}

/**
 * PyG's softmax(src, index, num_nodes): softmax of `logits` [E, *] over the rows that share a group
 * index[e] (the incoming edges of a node).
 */
export function segmentSoftmax(logits: Tensor, index: Tensor, numNodes: number): Tensor {
  // The group maximum is a constant shift (it cancels in the softmax and its gradient).
  const raw = contiguousRaw(logits);
  const shift = indexSelect(scatter(new Tensor(raw.data, raw.shape.slice(), raw.dtype), index, numNodes, 'max'), 0, index);
  const ex = exp(sub(logits, shift));
  const denom = scatter(ex, index, numNodes, 'sum');
  return div(ex, indexSelect(add(denom, 1e-16), 0, index));
}
