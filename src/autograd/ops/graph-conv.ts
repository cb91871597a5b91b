/**
 * Functional graph convolutions over an edge list, as PyTorch Geometric defines them. `edgeIndex` is
 * int32 [2, E]: row 0 holds source nodes j, row 1 target nodes i; messages flow j → i.
 */
import { fail } from '../../errors.js';
import { emptyTensor, Tensor } from '../../tensor/tensor.js';
import { add, div, exp, mul, sub } from './elementwise.js';
import { indexSelect } from './indexing.js';
import { leakyRelu } from './activation.js';
import { matmul } from './linalg.js';
import { sum } from './reduce.js';
import { indexAdd } from './scatter.js';
import { reshape, t, unsqueeze } from './shape.js';
import { contiguousRaw } from './util.js';

interface Edges {
  src: Int32Array;
  dst: Int32Array;
}

function readEdges(edgeIndex: Tensor, numNodes: number, op: string): Edges {
  if (edgeIndex.dtype !== 'int32' || edgeIndex.ndim !== 2 || edgeIndex.shape[0] !== 2) {
    fail('ShapeMismatch', `${op}: expected an int32 edge index of shape [2, E], got ${edgeIndex.dtype} [${edgeIndex.shape.join(', ')}]`);
  }
  const d = contiguousRaw(edgeIndex).data as Int32Array;
  const E = edgeIndex.shape[1];
  for (let e = 0; e < 2 * E; e++) {
    if (d[e] < 0 || d[e] >= numNodes) fail('IndexOutOfRange', `${op}: node ${d[e]} in the edge index is out of range [0, ${numNodes})`);
  }
  return { src: d.slice(0, E), dst: d.slice(E, 2 * E) };
}

/** Drops self loops and adds exactly one per node (PyG's add_remaining_self_loops with unit weights). */
function withSelfLoops({ src, dst }: Edges, numNodes: number): Edges {
  const s: number[] = [];
  const t2: number[] = [];
  for (let e = 0; e < src.length; e++) {
    if (src[e] !== dst[e]) {
      s.push(src[e]);
      t2.push(dst[e]);
    }
  }
  for (let n = 0; n < numNodes; n++) {
    s.push(n);
    t2.push(n);
  }
  return { src: Int32Array.from(s), dst: Int32Array.from(t2) };
}

const ids = (a: Int32Array): Tensor => new Tensor(a, [a.length], 'int32');

/** Sums the rows of `messages` [E, ...] into their target nodes: [numNodes, ...]. */
function aggregate(messages: Tensor, dst: Int32Array, numNodes: number): Tensor {
  const zero = emptyTensor([numNodes, ...messages.shape.slice(1)], messages.dtype);
  return indexAdd(zero, 0, ids(dst), messages);
}

export interface GcnConvOptions {
  /** Add a self loop to every node (existing ones are replaced). Default true. */
  addSelfLoops?: boolean;
  /** Symmetric normalization (deg_i·deg_j)^-1/2 with degrees counted on targets. Default true. */
  normalize?: boolean;
}

/**
 * GCNConv (Kipf & Welling): out_i = Σ_{j ∈ N(i) ∪ {i}} (deg_i·deg_j)^-1/2 · (x_j Wᵀ) + b, for x [N, in],
 * weight [out, in], bias [out].
 */
export function gcnConv(x: Tensor, edgeIndex: Tensor, weight: Tensor, bias?: Tensor | null, opts: GcnConvOptions = {}): Tensor {
  const N = x.shape[0];
  let edges = readEdges(edgeIndex, N, 'gcnConv');
  if (opts.addSelfLoops ?? true) edges = withSelfLoops(edges, N);
  const h = matmul(x, t(weight));
  let messages = indexSelect(h, 0, ids(edges.src));
  if (opts.normalize ?? true) {
    const deg = new Float64Array(N);
    for (const i of edges.dst) deg[i] += 1;
    const norm = emptyTensor([edges.src.length, 1], h.dtype);
    for (let e = 0; e < edges.src.length; e++) {
      const di = deg[edges.dst[e]];
      const dj = deg[edges.src[e]];
      norm.data[e] = di > 0 && dj > 0 ? 1 / Math.sqrt(di * dj) : 0;
    }
    messages = mul(messages, norm);
  }
  const out = aggregate(messages, edges.dst, N);
  return bias ? add(out, bias) : out;
}

export interface GatConvOptions {
  heads: number;
  /** Concatenate the heads ([N, heads·out]) or average them ([N, out]). Default true. */
  concat?: boolean;
  /** LeakyReLU slope of the attention logits. Default 0.2. */
  negativeSlope?: number;
  /** Replace self loops by one per node. Default true. */
  addSelfLoops?: boolean;
}

/**
 * GATConv (Veličković et al.), as PyG computes it: h = x Wᵀ viewed [N, heads, out];
 * e_ij = LeakyReLU(<h_j, att_src> + <h_i, att_dst>); α_ij = softmax of e_ij over j ∈ N(i) ∪ {i};
 * out_i = Σ_j α_ij h_j, heads concatenated (or averaged), + bias. weight [heads·out, in],
 * attSrc and attDst [1, heads, out].
 */
export function gatConv(x: Tensor, edgeIndex: Tensor, weight: Tensor, attSrc: Tensor, attDst: Tensor,
  bias: Tensor | null | undefined, opts: GatConvOptions): Tensor {
  const N = x.shape[0];
  const H = opts.heads;
  const C = weight.shape[0] / H;
  if (!Number.isInteger(C)) fail('ShapeMismatch', `gatConv: weight rows ${weight.shape[0]} are not a multiple of heads ${H}`);
  let edges = readEdges(edgeIndex, N, 'gatConv');
  if (opts.addSelfLoops ?? true) edges = withSelfLoops(edges, N);
  const h = reshape(matmul(x, t(weight)), [N, H, C]);
  const aSrc = sum(mul(h, attSrc), -1); // [N, H]
  const aDst = sum(mul(h, attDst), -1);
  const logits = leakyRelu(add(indexSelect(aSrc, 0, ids(edges.src)), indexSelect(aDst, 0, ids(edges.dst))), opts.negativeSlope ?? 0.2);
  const alpha = segmentSoftmax(logits, edges.dst, N);
  const messages = mul(indexSelect(h, 0, ids(edges.src)), unsqueeze(alpha, -1));
  const out = aggregate(messages, edges.dst, N); // [N, H, C]
  const merged = (opts.concat ?? true) ? reshape(out, [N, H * C]) : div(sum(out, 1), H);
  return bias ? add(merged, bias) : merged;
}

/** Softmax of `logits` [E, H] over the edges that share a target node (PyG's softmax(src, index)). */
function segmentSoftmax(logits: Tensor, dst: Int32Array, numNodes: number): Tensor {
  const [E, H] = logits.shape;
  const l = contiguousRaw(logits).data;
  // The per-target maximum is a constant shift (it cancels in the softmax and its gradient).
  const mx = new Float64Array(numNodes * H).fill(-Infinity);
  for (let e = 0; e < E; e++) for (let k = 0; k < H; k++) mx[dst[e] * H + k] = Math.max(mx[dst[e] * H + k], l[e * H + k]);
  const shift = emptyTensor([E, H], logits.dtype);
  for (let e = 0; e < E; e++) for (let k = 0; k < H; k++) shift.data[e * H + k] = mx[dst[e] * H + k];
  const ex = exp(sub(logits, shift));
  const denom = add(aggregate(ex, dst, numNodes), 1e-16);
  return div(ex, indexSelect(denom, 0, ids(dst)));
}
