/**
 * Reductions of rows into groups, as PyTorch Geometric's `scatter(src, index, dim=0, dim_size, reduce)`:
 * row e of `src` goes to group index[e]. Used to aggregate edge messages into their target nodes and to
 * pool node features into their graphs.
 */
import { fail } from '../../errors.js';
import { type FloatArray, isFloat } from '../../tensor/dtype.js';
import { emptyTensor, Tensor } from '../../tensor/tensor.js';
import { needsGrad, record } from '../graph.js';
import { div, mul } from './elementwise.js';
import { indexSelect } from './indexing.js';
import { indexAdd } from './scatter.js';
import { contiguousRaw } from './util.js';

export type ScatterReduce = 'sum' | 'mean' | 'max';

/** Checks that `index` is int32 [src rows] with values in [0, dimSize) and returns its data. */
export function groupIndex(index: Tensor, rows: number, dimSize: number, op: string): Int32Array {
  if (index.dtype !== 'int32') fail('DTypeMismatch', `${op}: expected an int32 index, got ${index.dtype}`);
  if (index.ndim !== 1 || index.shape[0] !== rows) {
    fail('ShapeMismatch', `${op}: expected an index of shape [${rows}] (one group per row), got [${index.shape.join(', ')}]`);
  }
  const idx = contiguousRaw(index).data as Int32Array;
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] < 0 || idx[i] >= dimSize) fail('IndexOutOfRange', `${op}: index ${idx[i]} is out of range [0, ${dimSize})`);
  }
  return idx;
}

/** Number of rows in each group, shaped [dimSize, 1, ...] to broadcast over a row's features. */
function groupCounts(idx: Int32Array, dimSize: number, featureDims: number, dtype: Tensor['dtype']): Tensor {
  const counts = emptyTensor([dimSize, ...new Array<number>(featureDims).fill(1)], dtype);
  for (const i of idx) counts.data[i] += 1;
  return counts;
}

/**
 * out[g] = reduce over rows e with index[e] = g of src[e], for src [E, *] and index int32 [E] → [dimSize, *].
 * `reduce`: 'sum' (default), 'mean' or 'max'. Empty groups are 0. Gradients: sum and mean pass the output
 * gradient back to every row of the group (mean divides by the group size); max passes it to the rows
 * holding the maximum, split evenly between ties (as torch.scatter_reduce 'amax').
 */
export function scatter(src: Tensor, index: Tensor, dimSize: number, reduce: ScatterReduce = 'sum'): Tensor {
  if (src.ndim < 1) fail('ShapeMismatch', 'scatter: expected src with at least one dimension, got a scalar');
  if (!isFloat(src.dtype)) fail('DTypeMismatch', `scatter: expected a floating-point src, got ${src.dtype}`);
  const idx = groupIndex(index, src.shape[0], dimSize, 'scatter');
  const outShape = [dimSize, ...src.shape.slice(1)];
  if (reduce === 'max') return scatterMax(src, idx, index, outShape);
  const summed = indexAdd(emptyTensor(outShape, src.dtype), 0, index, src);
  if (reduce === 'sum') return summed;
  if (reduce !== 'mean') fail('InvalidArgument', `scatter: expected reduce 'sum', 'mean' or 'max', got '${String(reduce)}'`);
  const counts = groupCounts(idx, dimSize, src.ndim - 1, src.dtype);
  for (let g = 0; g < dimSize; g++) counts.data[g] = Math.max(counts.data[g], 1);
  return div(summed, counts);
}

function scatterMax(src: Tensor, idx: Int32Array, index: Tensor, outShape: number[]): Tensor {
  const E = src.shape[0];
  const width = E > 0 ? src.size / E : outShape.slice(1).reduce((a, b) => a * b, 1);
  const s = contiguousRaw(src).data as FloatArray;
  const out = emptyTensor(outShape, src.dtype);
  const o = out.data as FloatArray;
  const seen = new Uint8Array(outShape[0]);
  for (let e = 0; e < E; e++) {
    const g = idx[e];
    for (let f = 0; f < width; f++) {
      const v = s[e * width + f];
      if (!seen[g] || v > o[g * width + f]) o[g * width + f] = v;
    }
    seen[g] = 1;
  }
  if (!needsGrad(src)) return out;
  const ties = new Float64Array(o.length);
  for (let e = 0; e < E; e++) for (let f = 0; f < width; f++) if (s[e * width + f] === o[idx[e] * width + f]) ties[idx[e] * width + f] += 1;
  // share[e] is 1/ties where row e holds its group's maximum, else 0: the gradient's route back to src.
  const share = emptyTensor(src.shape.slice(), src.dtype);
  for (let e = 0; e < E; e++) {
    for (let f = 0; f < width; f++) {
      const k = idx[e] * width + f;
      if (s[e * width + f] === o[k]) share.data[e * width + f] = 1 / ties[k];
    }
  }
  return record(out, 'ScatterMaxBackward', [src], (g) => [mul(indexSelect(g, 0, index), share)]);
}
