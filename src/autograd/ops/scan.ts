import { backendFor } from '../../backend/index.js';
import { fail } from '../../errors.js';
import { type FloatArray, isFloat } from '../../tensor/dtype.js';
import { normalizeDim } from '../../tensor/shape.js';
import { emptyTensor, type Tensor } from '../../tensor/tensor.js';
import { needsGrad, record } from '../graph.js';
import { binaryRaw } from './elementwise.js';
import type { ValuesIndices } from './reduce.js';
import { castRaw, contiguousRaw, floatRaw, splitAround, sumAxisRaw } from './util.js';

function cumsumRaw(x: Tensor, d: number): Tensor {
  const src = contiguousRaw(floatRaw(x));
  const [outer, n, inner] = splitAround(src.shape, d);
  const out = emptyTensor(src.shape, src.dtype);
  backendFor(src.dtype).cumsum(src.data as FloatArray, out.data as FloatArray, outer, n, inner);
  return out;
}

/** Running sums along `dim`: out_i = Σ_{j<=i} x_j. */
export function cumsum(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim, 'cumsum');
  if (!isFloat(x.dtype)) {
    // Running counts of ints and bools are exact in float64 and come back as int32 (e.g. position ids).
    return castRaw(x.ndim === 0 ? x : cumsumRaw(castRaw(x, 'float64'), d), 'int32');
  }
  if (x.ndim === 0) return x;
  const out = cumsumRaw(x, d);
  if (!needsGrad(x)) return out;
  return record(out, 'CumsumBackward', [x], (g) => {
    // d/dx_j = Σ_{i>=j} g_i = total - (cumsum(g)_j - g_j).
    const gc = castRaw(g, out.dtype);
    const running = cumsumRaw(gc, d);
    const total = sumAxisRaw(gc, d, true);
    return [binaryRaw('add', binaryRaw('sub', total, running), gc)];
  });
}

/**
 * The k largest (or, with largest=false, smallest) entries along `dim` and their int32 indices, in
 * sorted order. Gradients flow back to the picked positions.
 */
export function topk(x: Tensor, k: number, dim = -1, largest = true, sorted = true): ValuesIndices {
  void sorted; // results are always sorted
  const src = contiguousRaw(floatRaw(x));
  const d = x.ndim === 0 ? 0 : normalizeDim(dim, x.ndim, 'topk');
  const shape = x.ndim === 0 ? [1] : src.shape;
  const [outer, n, inner] = splitAround(shape, d);
  if (!Number.isInteger(k) || k < 0 || k > n) fail('IndexOutOfRange', `topk: k = ${k} is out of range for a dimension of size ${n}`);
  const outShape = shape.slice();
  outShape[d] = k;
  const values = emptyTensor(outShape, src.dtype);
  const indices = emptyTensor(outShape, 'int32');
  const be = backendFor(src.dtype);
  be.topk(src.data as FloatArray, values.data as FloatArray, indices.data as Int32Array, outer, n, inner, k, largest);
  if (!isFloat(x.dtype)) {
    const v = castRaw(values, x.dtype);
    return { values: x.ndim === 0 ? v.rawView([], [], 0) : v, indices: x.ndim === 0 ? indices.rawView([], [], 0) : indices };
  }
  const v = x.ndim === 0 ? values.rawView([], [], 0) : values;
  const idx = x.ndim === 0 ? indices.rawView([], [], 0) : indices;
  if (!needsGrad(x)) return { values: v, indices: idx };
  record(v, 'TopkBackward', [x], (g) => {
    const gx = emptyTensor(x.shape, src.dtype);
    be.scatterAdd(contiguousRaw(castRaw(g, src.dtype)).data as FloatArray, indices.data as Int32Array,
      gx.data as FloatArray, outer, n, k, inner);
    return [gx];
  });
  return { values: v, indices: idx };
}

/** Sorts along `dim` (ascending unless `descending`), returning the values and their int32 indices. */
export function sort(x: Tensor, dim = -1, descending = false): ValuesIndices {
  const n = x.ndim === 0 ? 1 : x.shape[normalizeDim(dim, x.ndim, 'sort')];
  return topk(x, n, dim, descending, true);
}
