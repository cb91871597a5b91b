import { fail } from '../../errors.js';
import { promoteTypes } from '../../tensor/dtype.js';
import { normalizeDim } from '../../tensor/shape.js';
import { emptyTensor, type Tensor } from '../../tensor/tensor.js';
import { needsGradAny, record } from '../graph.js';
import { slice, type SliceSpec, unsqueeze } from './shape.js';
import { castRaw, contiguousRaw, splitAround } from './util.js';

/** Concatenates tensors along `dim` (all other dims equal). */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) fail('InvalidArgument', 'cat: expected a non-empty list of tensors');
  const first = tensors[0];
  const d = normalizeDim(dim, first.ndim, 'cat');
  for (const [i, t] of tensors.entries()) {
    if (t.ndim !== first.ndim || t.shape.some((s, j) => j !== d && s !== first.shape[j])) {
      fail('ShapeMismatch', `cat: tensor ${i} has shape [${t.shape.join(', ')}], expected [${first.shape.map((s, j) => (j === d ? '*' : s)).join(', ')}]`);
    }
  }
  const dtype = tensors.map((t) => t.dtype).reduce(promoteTypes);
  const sizes = tensors.map((t) => t.shape[d]);
  const total = sizes.reduce((a, b) => a + b, 0);
  const shape = first.shape.slice();
  shape[d] = total;
  const out = emptyTensor(shape, dtype);
  const [outer, , inner] = splitAround(shape, d);
  let at = 0;
  for (const t of tensors) {
    const src = contiguousRaw(castRaw(t, dtype)).data;
    const block = t.shape[d] * inner;
    for (let o = 0; o < outer; o++) out.data.set(src.subarray(o * block, (o + 1) * block) as never, o * total * inner + at * inner);
    at += t.shape[d];
  }
  if (!needsGradAny(tensors)) return out;
  return record(out, 'CatBackward', tensors, (g) => {
    let start = 0;
    return tensors.map((t, i) => {
      const specs: SliceSpec[] = g.shape.map((_, j) => (j === d ? [start, start + sizes[i], 1] : null));
      start += sizes[i];
      return t.requiresGrad ? slice(g, ...specs) : null;
    });
  });
}

/** Stacks equally shaped tensors along a new dimension `dim`. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) fail('InvalidArgument', 'stack: expected a non-empty list of tensors');
  const d = normalizeDim(dim, tensors[0].ndim + 1, 'stack');
  for (const [i, t] of tensors.entries()) {
    if (t.ndim !== tensors[0].ndim || t.shape.some((s, j) => s !== tensors[0].shape[j])) {
      fail('ShapeMismatch', `stack: tensor ${i} has shape [${t.shape.join(', ')}], expected [${tensors[0].shape.join(', ')}]`);
    }
  }
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}

/**
 * Splits into views along `dim`: pieces of `size` elements (the last may be smaller), or of the given
 * sizes, which must add up to the dimension.
 */
export function split(x: Tensor, sizeOrSizes: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim(dim, x.ndim, 'split');
  const n = x.shape[d];
  let sizes: number[];
  if (typeof sizeOrSizes === 'number') {
    if (!Number.isInteger(sizeOrSizes) || sizeOrSizes <= 0) fail('InvalidArgument', `split: expected a positive split size, got ${sizeOrSizes}`);
    sizes = [];
    for (let s = 0; s < n; s += sizeOrSizes) sizes.push(Math.min(sizeOrSizes, n - s));
    if (n === 0) sizes.push(0);
  } else {
    sizes = [...sizeOrSizes];
    const total = sizes.reduce((a, b) => a + b, 0);
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || total !== n) {
      fail('ShapeMismatch', `split: sizes [${sizes.join(', ')}] do not add up to dimension ${d} of size ${n}`);
    }
  }
  let start = 0;
  return sizes.map((len) => {
    const specs: SliceSpec[] = x.shape.map((_, j) => (j === d ? [start, start + len, 1] : null));
    start += len;
    return slice(x, ...specs);
  });
}

/** Splits into `chunks` views along `dim` of ceil(size / chunks) elements each (fewer pieces if they run out). */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) fail('InvalidArgument', `chunk: expected a positive number of chunks, got ${chunks}`);
  const d = normalizeDim(dim, x.ndim, 'chunk');
  const size = Math.ceil(x.shape[d] / chunks);
  return split(x, Math.max(size, 1), d);
}
