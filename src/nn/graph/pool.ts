import { groupIndex, max, mean, reshape, scatter, type ScatterReduce, sum } from '../../autograd/ops/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import { contiguousRaw } from '../../autograd/ops/util.js';

function pool(x: Tensor, batch: Tensor | null | undefined, size: number | undefined, reduce: ScatterReduce): Tensor {
  if (!batch) {
    if (reduce === 'sum') return sum(x, 0, true);
    return reduce === 'mean' ? mean(x, 0, true) : reshape(max(x, 0).values, [1, ...x.shape.slice(1)]);
  }
  const graphs = size ?? (contiguousRaw(batch).data as Int32Array).reduce((m, b) => Math.max(m, b + 1), 0);
  groupIndex(batch, x.shape[0], graphs, 'global pooling (batch vector)');
  return scatter(x, batch, graphs, reduce);
}

/**
 * Sums the node features of every graph (PyG's global_add_pool): out[b] = Σ_{n : batch[n] = b} x_n.
 * x [N, F], batch int32 [N] (graph of each node; null = one graph), size = number of graphs (default
 * 1 + max(batch)) → [size, F].
 */
export function globalAddPool(x: Tensor, batch?: Tensor | null, size?: number): Tensor {
  return pool(x, batch, size, 'sum');
}

/** Averages the node features of every graph (PyG's global_mean_pool); arguments as globalAddPool. */
export function globalMeanPool(x: Tensor, batch?: Tensor | null, size?: number): Tensor {
  return pool(x, batch, size, 'mean');
}

/** Feature-wise maximum over the nodes of every graph (PyG's global_max_pool); arguments as globalAddPool. */
export function globalMaxPool(x: Tensor, batch?: Tensor | null, size?: number): Tensor {
  return pool(x, batch, size, 'max');
}
