import { backendFor, jsBackend } from '../../backend/index.js';
import { fail } from '../../errors.js';
import { type FloatArray, isFloat } from '../../tensor/dtype.js';
import { normalizeDim } from '../../tensor/shape.js';
import { emptyTensor, Tensor } from '../../tensor/tensor.js';
import { needsGrad, record } from '../graph.js';
import { gather, indexSelect } from './indexing.js';
import { movedim, reshape } from './shape.js';
import { castRaw, contiguousRaw, dataOf, splitAround } from './util.js';

function checkIndex(idx: Int32Array, size: number, op: string): void {
  for (let i = 0; i < idx.length; i++) {
    if (idx[i] < 0 || idx[i] >= size) fail('IndexOutOfRange', `${op}: index ${idx[i]} is out of range for a dimension of size ${size}`);
  }
}

/**
 * torch.scatter_add: out = x with out[index[i][j]][j] += src[i][j] for dim 0 (likewise for other dims).
 * `index` (int32) and `src` have x's number of dims; here they must also have x's sizes outside `dim`.
 * Gradients: x gets the output gradient, src gets it gathered at `index`.
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor {
  if (index.dtype !== 'int32') fail('DTypeMismatch', `scatterAdd: expected an int32 index, got ${index.dtype}`);
  const d = normalizeDim(dim, x.ndim, 'scatterAdd');
  const ok = index.ndim === x.ndim && src.ndim === x.ndim
    && index.shape.every((s, i) => s === src.shape[i] && (i === d || s === x.shape[i]));
  if (!ok) {
    fail('ShapeMismatch', `scatterAdd: expected index and src of equal shape matching input [${x.shape.join(', ')}] outside dim ${d}, got [${index.shape.join(', ')}] and [${src.shape.join(', ')}]`);
  }
  const dtype = isFloat(x.dtype) ? x.dtype : 'float32';
  const out = contiguousRaw(castRaw(x, dtype));
  const result = emptyTensor(out.shape, dtype);
  (result.data as FloatArray).set(out.data as FloatArray);
  const [outer, n, inner] = splitAround(x.shape, d);
  const idx = contiguousRaw(index).data as Int32Array;
  checkIndex(idx, n, 'scatterAdd');
  const s = contiguousRaw(castRaw(src, dtype));
  backendFor(dtype).scatterAdd(s.data as FloatArray, idx, result.data as FloatArray, outer, n, index.shape[d], inner);
  if (!needsGrad(x, src)) return result;
  return record(result, 'ScatterAddBackward', [x, src], (g) => [
    x.requiresGrad ? g : null,
    src.requiresGrad ? gather(g, d, index) : null,
  ]);
}

/**
 * torch.index_add: out = x with out.select(dim, index[i]) += source.select(dim, i), index 1-D int32.
 * Repeated indices accumulate. Gradients: x gets the output gradient, source gets it at `index`.
 */
export function indexAdd(x: Tensor, dim: number, index: Tensor, source: Tensor): Tensor {
  if (index.dtype !== 'int32' || index.ndim > 1) fail('DTypeMismatch', `indexAdd: expected a 1-D int32 index, got ${index.dtype} [${index.shape.join(', ')}]`);
  const d = normalizeDim(dim, x.ndim, 'indexAdd');
  const m = index.ndim === 0 ? 1 : index.shape[0];
  const ok = source.ndim === x.ndim && source.shape.every((s, i) => (i === d ? s === m : s === x.shape[i]));
  if (!ok) fail('ShapeMismatch', `indexAdd: expected source of shape [${x.shape.map((s, i) => (i === d ? m : s)).join(', ')}], got [${source.shape.join(', ')}]`);
  const dtype = isFloat(x.dtype) ? x.dtype : 'float32';
  const rows = contiguousRaw(castRaw(reshape(movedim(x, d, 0), [x.shape[d], -1]), dtype));
  const [N, width] = rows.shape;
  const idx = contiguousRaw(index).data as Int32Array;
  checkIndex(idx, N, 'indexAdd');
  const acc = emptyTensor([N, width], dtype);
  (acc.data as FloatArray).set(rows.data as FloatArray);
  const srcRows = contiguousRaw(castRaw(reshape(movedim(source, d, 0), [m, -1]), dtype));
  const be = isFloat(dtype) ? backendFor(dtype) : jsBackend;
  be.embeddingBackward(idx, dataOf(srcRows), acc.data as FloatArray, m, width, -1);
  const front = [x.shape[d], ...x.shape.filter((_, i) => i !== d)];
  const moved = contiguousRaw(movedim(reshape(acc, front), 0, d));
  const out = new Tensor(moved.data, moved.shape.slice(), dtype);
  if (!needsGrad(x, source)) return out;
  return record(out, 'IndexAddBackward', [x, source], (g) => [
    x.requiresGrad ? g : null,
    source.requiresGrad ? indexSelect(g, d, reshape(index, [-1])) : null,
  ]);
}
