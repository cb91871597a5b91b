import { fail } from '../../errors.js';
import { contiguousStrides, inferShape, isContiguous, normalizeDim, numel, shapesEqual } from '../../tensor/shape.js';
import { emptyTensor, Tensor, uninitTensor } from '../../tensor/tensor.js';
import { backendFor } from '../../backend/index.js';
import { needsGrad, record } from '../graph.js';
import { sumToShape } from './util.js';

/** Strides for viewing `t` as `shape` without a copy, or null when the memory layout does not allow it. */
function viewStrides(t: Tensor, shape: number[]): number[] | null {
  if (isContiguous(t.shape, t.strides)) return contiguousStrides(shape);
  // Merge the old dims into chunks that are contiguous among themselves, then split them (PyTorch's rule).
  const oldShape = t.shape.filter((d) => d !== 1);
  const oldStrides = t.strides.filter((_, i) => t.shape[i] !== 1);
  const newStrides = new Array<number>(shape.length).fill(0);
  let oi = 0;
  let ni = 0;
  while (oi < oldShape.length || ni < shape.length) {
    if (ni < shape.length && shape[ni] === 1) {
      newStrides[ni] = 1;
      ni++;
      continue;
    }
    if (oi >= oldShape.length) return null;
    let chunk = oldShape[oi];
    let chunkEnd = oi;
    while (chunkEnd + 1 < oldShape.length && oldStrides[chunkEnd] === oldStrides[chunkEnd + 1] * oldShape[chunkEnd + 1]) {
      chunkEnd++;
      chunk *= oldShape[chunkEnd];
    }
    let stride = oldStrides[chunkEnd];
    let produced = 1;
    const startNi = ni;
    while (ni < shape.length && produced < chunk) {
      produced *= shape[ni];
      ni++;
    }
    while (ni < shape.length && shape[ni] === 1 && produced === chunk) {
      ni++;
    }
    if (produced !== chunk) return null;
    for (let k = ni - 1; k >= startNi; k--) {
      newStrides[k] = stride;
      stride *= shape[k];
    }
    oi = chunkEnd + 1;
  }
  return newStrides;
}

/** A contiguous copy when `t` is not contiguous; `t` itself otherwise. Differentiable. */
export function contiguous(t: Tensor): Tensor {
  if (t.isContiguous()) return t;
  const out = emptyTensor(t.shape, t.dtype);
  backendFor(t.dtype).copy(t, out.data, t.shape);
  if (!needsGrad(t)) return out;
  return record(out, 'CloneBackward', [t], (g) => [g]);
}

/** A copy that never shares storage. Differentiable. */
export function clone(t: Tensor): Tensor {
  const out = uninitTensor(t.shape, t.dtype);
  if (t.isContiguous()) (out.data as Float32Array).set((t.data as Float32Array).subarray(t.offset, t.offset + t.size));
  else backendFor(t.dtype).copy(t, out.data, t.shape);
  if (!needsGrad(t)) return out;
  return record(out, 'CloneBackward', [t], (g) => [g]);
}

function viewWith(t: Tensor, shape: number[], strides: number[], offset: number, name: string,
  back: (g: Tensor) => Tensor): Tensor {
  const out = new Tensor(t.data, shape, t.dtype, strides, offset);
  if (!needsGrad(t)) return out;
  return record(out, name, [t], (g) => [back(g)]);
}

/** A view with another shape (one dimension may be -1); fails when the layout needs a copy. */
export function view(t: Tensor, ...shape: (number | number[])[]): Tensor {
  return viewAs(t, inferShape(sizesOf(shape), t.size, 'view'));
}

/** The sizes given as separate arguments or as one array. */
function sizesOf(args: (number | number[])[]): number[] {
  if (args.length === 1 && Array.isArray(args[0])) return args[0];
  const sizes: number[] = [];
  for (const a of args) {
    if (Array.isArray(a)) sizes.push(...a);
    else sizes.push(a);
  }
  return sizes;
}

function viewAs(t: Tensor, target: number[], strides = viewStrides(t, target)): Tensor {
  if (!strides) {
    fail('InvalidArgument', `view: shape [${target.join(', ')}] is incompatible with the input's strides; use reshape()`);
  }
  const original = t.shape.slice();
  return viewWith(t, target, strides, t.offset, 'ViewBackward', (g) => reshape(g, original));
}

/** view() when the layout allows it, a reshaped copy otherwise. */
export function reshape(t: Tensor, ...shape: (number | number[])[]): Tensor {
  const target = inferShape(sizesOf(shape), t.size, 'reshape');
  if (shapesEqual(target, t.shape)) return t;
  const strides = viewStrides(t, target);
  return strides ? viewAs(t, target, strides) : viewAs(contiguous(t), target, contiguousStrides(target));
}

export function flatten(t: Tensor, startDim = 0, endDim = -1): Tensor {
  if (t.ndim === 0) return reshape(t, [1]);
  const s = normalizeDim(startDim, t.ndim, 'flatten');
  const e = normalizeDim(endDim, t.ndim, 'flatten');
  const shape = [...t.shape.slice(0, s), numel(t.shape.slice(s, e + 1)), ...t.shape.slice(e + 1)];
  return reshape(t, shape);
}

export function permute(t: Tensor, ...dims: (number | number[])[]): Tensor {
  const order = sizesOf(dims).map((d) => normalizeDim(d, t.ndim, 'permute'));
  const inverse = new Array<number>(order.length).fill(-1);
  order.forEach((d, i) => (inverse[d] = i));
  if (order.length !== t.ndim || inverse.includes(-1)) {
    fail('InvalidArgument', `permute: dims [${order.join(', ')}] are not a permutation of ${t.ndim} dimensions`);
  }
  return viewWith(t, order.map((d) => t.shape[d]), order.map((d) => t.strides[d]), t.offset, 'PermuteBackward',
    (g) => permute(g, inverse));
}

export function transpose(t: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim(dim0, t.ndim, 'transpose');
  const b = normalizeDim(dim1, t.ndim, 'transpose');
  const shape = t.shape.slice();
  const strides = t.strides.slice();
  shape[a] = t.shape[b];
  shape[b] = t.shape[a];
  strides[a] = t.strides[b];
  strides[b] = t.strides[a];
  return viewWith(t, shape, strides, t.offset, 'TransposeBackward', (g) => transpose(g, a, b));
}

/** Transpose of a 2-D tensor (or of the last two dimensions, like `mT`). */
export function t(x: Tensor): Tensor {
  if (x.ndim < 2) return x;
  return transpose(x, -2, -1);
}

export function unsqueeze(t: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, t.ndim + 1, 'unsqueeze');
  const shape = t.shape.slice();
  const strides = t.strides.slice();
  shape.splice(d, 0, 1);
  strides.splice(d, 0, d < t.ndim ? t.strides[d] * t.shape[d] : 1);
  const original = t.shape.slice();
  return viewWith(t, shape, strides, t.offset, 'UnsqueezeBackward', (g) => reshape(g, original));
}

/** Removes size-1 dimensions (all of them, or the given one if it has size 1). */
export function squeeze(t: Tensor, dim?: number): Tensor {
  const keep = t.shape.map((s, i) => (dim === undefined ? s !== 1 : i !== normalizeDim(dim, t.ndim, 'squeeze') || s !== 1));
  const original = t.shape.slice();
  return viewWith(t, t.shape.filter((_, i) => keep[i]), t.strides.filter((_, i) => keep[i]), t.offset,
    'SqueezeBackward', (g) => reshape(g, original));
}

/** Broadcasts to `shape` without copying (-1 keeps a dimension). */
export function expand(t: Tensor, ...shape: (number | number[])[]): Tensor {
  const target = shape.flat();
  if (target.length < t.ndim) fail('ShapeMismatch', `expand: cannot expand [${t.shape.join(', ')}] to [${target.join(', ')}]`);
  const lead = target.length - t.ndim;
  const outShape = target.map((s, i) => (i >= lead && s === -1 ? t.shape[i - lead] : s));
  if (outShape.some((s) => !Number.isInteger(s) || s < 0)) {
    fail('InvalidArgument', `expand: invalid size in [${target.join(', ')}] (-1 only keeps an existing dimension)`);
  }
  const strides = outShape.map((s, i) => {
    if (i < lead) return 0;
    const own = t.shape[i - lead];
    if (own === s) return t.strides[i - lead];
    if (own !== 1) fail('ShapeMismatch', `expand: cannot expand [${t.shape.join(', ')}] to [${target.join(', ')}]`);
    return 0;
  });
  const original = t.shape.slice();
  return viewWith(t, outShape, strides, t.offset, 'ExpandBackward', (g) => sumToShape(g, original));
}

export function expandAs(t: Tensor, other: Tensor): Tensor {
  return expand(t, other.shape);
}

/** One dimension's selection: an index, or [start, stop, step] with null meaning the default. */
export type SliceSpec = number | readonly [number | null | undefined, (number | null)?, (number | null)?] | null;

/**
 * Basic indexing, like x[i, a:b:s, ...]: a number picks one index (dropping the dimension), a range
 * keeps it, null keeps the whole dimension. Missing trailing dims are kept whole. Positive steps only.
 */
export function slice(t: Tensor, ...specs: SliceSpec[]): Tensor {
  if (specs.length > t.ndim) fail('IndexOutOfRange', `slice: ${specs.length} indices for a tensor of ${t.ndim} dimensions`);
  const shape: number[] = [];
  const strides: number[] = [];
  let offset = t.offset;
  const parts: { dim: number; start: number; step: number; len: number; drop: boolean }[] = [];
  for (let d = 0; d < t.ndim; d++) {
    const spec = d < specs.length ? specs[d] : null;
    const size = t.shape[d];
    if (typeof spec === 'number') {
      const i = spec < 0 ? spec + size : spec;
      if (!Number.isInteger(i) || i < 0 || i >= size) fail('IndexOutOfRange', `slice: index ${spec} out of range for dimension ${d} of size ${size}`);
      offset += i * t.strides[d];
      parts.push({ dim: d, start: i, step: 1, len: 1, drop: true });
      continue;
    }
    const [s0, e0, st0] = spec ?? [null, null, null];
    const step = st0 ?? 1;
    if (!Number.isInteger(step) || step <= 0) fail('InvalidArgument', `slice: step must be a positive integer, got ${step}`);
    const clampIdx = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
    const start = s0 == null ? 0 : clampIdx(s0);
    const stop = e0 == null ? size : clampIdx(e0);
    const len = Math.max(0, Math.ceil((stop - start) / step));
    offset += start * t.strides[d];
    shape.push(len);
    strides.push(t.strides[d] * step);
    parts.push({ dim: d, start, step, len, drop: false });
  }
  const original = t.shape.slice();
  return viewWith(t, shape, strides, offset, 'SliceBackward', (g) => {
    const gx = emptyTensor(original, g.dtype);
    const region = gx.rawView(parts.map((p) => (p.drop ? 1 : p.len)), parts.map((p) => gx.strides[p.dim] * p.step),
      parts.reduce((o, p) => o + p.start * gx.strides[p.dim], 0));
    copyInto(g, region);
    return gx;
  });
}

/** Writes `src` (read in row-major order) into the strided region `dst` (no autograd). */
export function copyInto(src: Tensor, dst: Tensor): void {
  if (src.dtype === dst.dtype && shapesEqual(src.shape, dst.shape) && isContiguous(dst.shape, dst.strides)) {
    // A region without gaps (a KV cache's new positions): one strided copy by the backend.
    backendFor(dst.dtype).copy(src, dst.data.subarray(dst.offset, dst.offset + dst.size), dst.shape);
    return;
  }
  const s = src.dense();
  const n = s.length;
  const shape = dst.shape;
  const nd = shape.length;
  const idx = new Array<number>(nd).fill(0);
  let off = dst.offset;
  // Rows without gaps (a slice of the last dimension's middle, e.g. q of a packed q|k|v) go with one set()
  // each, and the walk over the other dimensions steps a row at a time; otherwise element by element.
  const rows = nd > 0 && shape[nd - 1] >= 8 && dst.strides[nd - 1] === 1 && src.dtype === dst.dtype;
  const run = rows ? shape[nd - 1] : 1;
  const walked = rows ? nd - 1 : nd;
  for (let i = 0; i < n; i += run) {
    if (rows) dst.data.set(s.subarray(i, i + run) as ArrayLike<number>, off);
    else dst.data[off] = s[i];
    for (let d = walked - 1; d >= 0; d--) {
      idx[d]++;
      off += dst.strides[d];
      if (idx[d] < shape[d]) break;
      off -= dst.strides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

/** Moves dimension `source` to position `destination`, keeping the others in order (a view). */
export function movedim(t: Tensor, source: number, destination: number): Tensor {
  const s = normalizeDim(source, t.ndim, 'movedim');
  const d = normalizeDim(destination, t.ndim, 'movedim');
  if (s === d) return t;
  const order = t.shape.map((_, i) => i).filter((i) => i !== s);
  order.splice(d, 0, s);
  return permute(t, order);
}
