/** The two-layer node classifiers of the GCN, GAT and GraphSAGE papers, as PyG's examples build them. */
import { dropout, elu, mul, relu } from '../../autograd/ops/index.js';
import { contiguousRaw } from '../../autograd/ops/util.js';
import { defaultGenerator, type Generator } from '../../tensor/random.js';
import { emptyTensor, type Tensor } from '../../tensor/tensor.js';
import { GATConv, GCNConv, type MessagePassing, SAGEConv } from '../../nn/graph/index.js';
import { Module } from '../../nn/module.js';
import type { LayerOptions } from '../../nn/parameter.js';

export interface NodeModelOptions extends LayerOptions {
  /** Hidden features (per head for GAT). Defaults: GCN 16, GAT 8, GraphSAGE 16. */
  hidden?: number;
  /** Dropout on the input and hidden features. Defaults: GCN 0.5, GAT 0.6, GraphSAGE 0.5. */
  dropout?: number;
}

/**
 * Dropout that draws a random number only for the nonzero entries of `x`: the same distribution as
 * dropout (a zero stays zero either way) at a fraction of the cost on sparse bag-of-words features
 * (Kipf & Welling's sparse dropout).
 */
export function sparseDropout(x: Tensor, p: number, training: boolean, generator: Generator = defaultGenerator): Tensor {
  if (!training || p === 0 || p === 1) return dropout(x, p, training, generator);
  const d = contiguousRaw(x).data;
  // Without a gradient to route, write the kept values directly instead of building a mask to multiply by.
  const out = emptyTensor(x.shape, x.dtype);
  const scale = 1 / (1 - p);
  for (let i = 0; i < d.length; i++) if (d[i] !== 0 && generator.random() >= p) out.data[i] = x.requiresGrad ? scale : d[i] * scale;
  return x.requiresGrad ? mul(x, out) : out;
}

/** dropout (sparse) → conv1 → activation → dropout → conv2: features [N, F] and an edge index → logits [N, C]. */
export class NodeClassifier extends Module<[Tensor, Tensor], Tensor> {
  constructor(readonly conv1: MessagePassing, readonly conv2: MessagePassing, readonly p: number,
    private readonly activation: (h: Tensor) => Tensor, private readonly opts: LayerOptions) {
    super();
  }

  override forward(x: Tensor, edgeIndex: Tensor): Tensor {
    const g = this.opts.generator;
    const h = this.activation(this.conv1.forward(sparseDropout(x, this.p, this.training, g), edgeIndex));
    return this.conv2.forward(dropout(h, this.p, this.training, g), edgeIndex);
  }
}

/**
 * Kipf & Welling's GCN: GCNConv(F, 16) → ReLU → GCNConv(16, C), dropout 0.5 before each layer. Both layers
 * cache the normalized graph (transductive training on one graph). Parameters `conv1.*`, `conv2.*`.
 */
export class GCN extends NodeClassifier {
  constructor(numFeatures: number, numClasses: number, opts: NodeModelOptions = {}) {
    const hidden = opts.hidden ?? 16;
    super(new GCNConv(numFeatures, hidden, { ...opts, cached: true }), new GCNConv(hidden, numClasses, { ...opts, cached: true }),
      opts.dropout ?? 0.5, relu, opts);
  }
}

/**
 * Veličković et al.'s GAT for Cora: GATConv(F, 8, heads 8) → ELU → GATConv(64, C, heads 1, concat false),
 * dropout 0.6 on the features before each layer and on the attention coefficients. Parameters `conv1.*`,
 * `conv2.*`.
 */
export class GAT extends NodeClassifier {
  constructor(numFeatures: number, numClasses: number, opts: NodeModelOptions & { heads?: number } = {}) {
    const hidden = opts.hidden ?? 8;
    const heads = opts.heads ?? 8;
    const p = opts.dropout ?? 0.6;
    super(new GATConv(numFeatures, hidden, { ...opts, heads, dropout: p }),
      new GATConv(hidden * heads, numClasses, { ...opts, heads: 1, concat: false, dropout: p }), p, (h) => elu(h), opts);
  }
}

/** GraphSAGE with mean aggregation: SAGEConv(F, 16) → ReLU → SAGEConv(16, C), dropout 0.5 before each layer. */
export class GraphSAGE extends NodeClassifier {
  constructor(numFeatures: number, numClasses: number, opts: NodeModelOptions = {}) {
    const hidden = opts.hidden ?? 16;
    super(new SAGEConv(numFeatures, hidden, opts), new SAGEConv(hidden, numClasses, opts), opts.dropout ?? 0.5, relu, opts);
  }
}
