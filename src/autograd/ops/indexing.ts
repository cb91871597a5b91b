import { backendFor, jsBackend } from '../../backend/index.js';
import { fail } from '../../errors.js';
import { type DType, type FloatArray, isFloat, promoteTypes } from '../../tensor/dtype.js';
import { broadcastShapes, normalizeDim } from '../../tensor/shape.js';
import { emptyTensor, Tensor } from '../../tensor/tensor.js';
import { needsGrad, record } from '../graph.js';
import { movedim, reshape, slice, type SliceSpec } from './shape.js';
import { asTensor, castRaw, contiguousRaw, dataOf, requireFloat, splitAround, sumToShape, type TensorLike, viewAs } from './util.js';

function requireInt(t: Tensor, op: string, what: string): void {
  if (t.dtype !== 'int32') fail('DTypeMismatch', `${op}: expected int32 ${what}, got ${t.dtype}`);
}

/** Throws unless every index lies in [0, size) (negative indices count from the end when `wrap`). */
function checkIndices(ids: Int32Array, size: number, op: string, wrap: boolean): Int32Array {
  let out = ids;
  for (let i = 0; i < ids.length; i++) {
    let v = ids[i];
    if (wrap && v < 0 && v >= -size) {
      if (out === ids) out = ids.slice();
      v += size;
      out[i] = v;
    }
    if (v < 0 || v >= size) fail('IndexOutOfRange', `${op}: index ${ids[i]} is out of range for a dimension of size ${size}`);
  }
  return out;
}

/**
 * Rows of `weight` [V, D] picked by int32 `ids` of any shape: out [...ids.shape, D]. Repeated ids
 * accumulate their gradients; rows at `paddingIdx` get none.
 */
export function embedding(ids: Tensor, weight: Tensor, paddingIdx?: number): Tensor {
  requireInt(ids, 'embedding', 'ids');
  requireFloat(weight, 'embedding');
  if (weight.ndim !== 2) fail('ShapeMismatch', `embedding: expected a 2-D weight [num_embeddings, dim], got [${weight.shape.join(', ')}]`);
  const [V, D] = weight.shape;
  let pad = -1;
  if (paddingIdx !== undefined && paddingIdx !== null) {
    if (!Number.isInteger(paddingIdx) || paddingIdx < -V || paddingIdx >= V) {
      fail('IndexOutOfRange', `embedding: paddingIdx ${paddingIdx} is out of range for ${V} embeddings`);
    }
    pad = paddingIdx < 0 ? paddingIdx + V : paddingIdx;
  }
  const idData = contiguousRaw(ids).data as Int32Array;
  for (let i = 0; i < idData.length; i++) {
    const v = idData[i];
    if (v < 0 || v >= V) fail('IndexOutOfRange', `embedding: id ${v} is out of range [0, ${V})`);
  }
  const w = contiguousRaw(weight);
  const n = idData.length;
  const be = backendFor(w.dtype);
  const out = emptyTensor([...ids.shape, D], w.dtype);
  be.embedding(idData, w.data as FloatArray, out.data as FloatArray, n, D);
  if (!needsGrad(weight)) return out;
  return record(out, 'EmbeddingBackward', [weight], (g) => {
    const gw = emptyTensor([V, D], w.dtype);
    be.embeddingBackward(idData, dataOf(castRaw(g, w.dtype)), gw.data as FloatArray, n, D, pad);
    return [gw];
  });
}

/**
 * out[i][j][k] = x[index[i][j][k]][j][k] for dim 0 (and likewise for other dims), as torch.gather:
 * `index` has x's number of dims and no larger sizes than x outside `dim`.
 */
export function gather(x: Tensor, dim: number, index: Tensor): Tensor {
  requireInt(index, 'gather', 'index');
  const d = normalizeDim(dim, x.ndim, 'gather');
  if (index.ndim !== x.ndim) fail('ShapeMismatch', `gather: expected index with ${x.ndim} dims, got [${index.shape.join(', ')}]`);
  const specs: SliceSpec[] = x.shape.map((s, i) => {
    if (i !== d && index.shape[i] > s) {
      fail('ShapeMismatch', `gather: index [${index.shape.join(', ')}] is larger than input [${x.shape.join(', ')}] outside dim ${d}`);
    }
    return i === d || index.shape[i] === s ? null : [0, index.shape[i], 1];
  });
  const xs = specs.every((s) => s === null) ? x : slice(x, ...specs);
  return gatherAligned(xs, d, index);
}

/** gather where x and index agree outside `d`. */
function gatherAligned(x: Tensor, d: number, index: Tensor): Tensor {
  const src = contiguousRaw(x);
  const [outer, n, inner] = splitAround(src.shape, d);
  const m = index.shape[d];
  const idx = checkIndices(contiguousRaw(index).data as Int32Array, n, 'gather', false);
  const out = emptyTensor(index.shape, src.dtype);
  const be = isFloat(src.dtype) ? backendFor(src.dtype) : jsBackend;
  be.gather(src.data, idx, out.data, outer, n, m, inner);
  if (!needsGrad(x)) return out;
  return record(out, 'GatherBackward', [x], (g) => {
    const gx = emptyTensor(src.shape, src.dtype);
    be.scatterAdd(dataOf(castRaw(g, src.dtype)), idx, gx.data as FloatArray, outer, n, m, inner);
    return [gx];
  });
}

/** The entries of x at positions `index` (1-D int32) along `dim`; negative indices are not allowed. */
export function indexSelect(x: Tensor, dim: number, index: Tensor): Tensor {
  requireInt(index, 'indexSelect', 'index');
  if (index.ndim > 1) fail('ShapeMismatch', `indexSelect: expected a 1-D index, got [${index.shape.join(', ')}]`);
  const d = normalizeDim(dim, x.ndim, 'indexSelect');
  if (x.ndim === 0) fail('ShapeMismatch', 'indexSelect: expected a tensor with at least one dimension');
  const front = movedim(x, d, 0);
  const rows = reshape(front, [x.shape[d], -1]);
  const ids = reshape(index, [-1]);
  checkIndices(contiguousRaw(ids).data as Int32Array, x.shape[d], 'indexSelect', false);
  const picked = isFloat(x.dtype) ? embedding(ids, rows) : selectRowsRaw(rows, ids);
  const out = reshape(picked, [ids.shape[0], ...front.shape.slice(1)]);
  return movedim(out, 0, d);
}

function selectRowsRaw(rows: Tensor, ids: Tensor): Tensor {
  const src = contiguousRaw(rows);
  const [V, D] = src.shape;
  const idx = checkIndices(contiguousRaw(ids).data as Int32Array, V, 'indexSelect', false);
  const out = emptyTensor([idx.length, D], src.dtype);
  jsBackend.gather(src.data, new Int32Array(idx.length * D).map((_, q) => idx[Math.floor(q / Math.max(D, 1))]),
    out.data, 1, V, idx.length, D);
  return out;
}

/**
 * cond ? a : b elementwise, broadcasting all three; `cond` is a bool tensor. Gradients flow to the
 * chosen side.
 */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  if (cond.dtype !== 'bool') fail('DTypeMismatch', `where: expected a bool condition, got ${cond.dtype}`);
  const like = typeof a !== 'number' ? a : typeof b !== 'number' ? b : null;
  const at = like ? asTensor(a, like) : scalarFloat(a as number);
  const bt = asTensor(b, at);
  const dtype: DType = promoteTypes(at.dtype, bt.dtype);
  const shape = broadcastShapes(broadcastShapes(cond.shape, at.shape, 'where'), bt.shape, 'where');
  const out = emptyTensor(shape, dtype);
  const ac = castRaw(at, dtype);
  const bc = castRaw(bt, dtype);
  backendFor(dtype).where(viewAs(cond, shape), viewAs(ac, shape), viewAs(bc, shape), out.data, shape);
  if (!needsGrad(at, bt)) return out;
  return record(out, 'WhereBackward', [at, bt], (g) => {
    const zero = asTensor(0, g);
    return [
      at.requiresGrad ? sumToShape(whereRaw(cond, g, zero), at.shape) : null,
      bt.requiresGrad ? sumToShape(whereRaw(cond, zero, g), bt.shape) : null,
    ];
  });
}

function scalarFloat(x: number): Tensor {
  return new Tensor(new Float32Array([x]), [], 'float32', []);
}

function whereRaw(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  const shape = broadcastShapes(broadcastShapes(cond.shape, a.shape), b.shape);
  const out = emptyTensor(shape, a.dtype);
  backendFor(a.dtype).where(viewAs(cond, shape), viewAs(a, shape), viewAs(castRaw(b, a.dtype), shape), out.data, shape);
  return out;
}

/** x with `value` wherever the bool `mask` (broadcast to x) is true; no gradient flows there. */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  if (mask.dtype !== 'bool') fail('DTypeMismatch', `maskedFill: expected a bool mask, got ${mask.dtype}`);
  const shape = broadcastShapes(x.shape, mask.shape, 'maskedFill');
  if (shape.length !== x.ndim || shape.some((s, i) => s !== x.shape[i])) {
    fail('ShapeMismatch', `maskedFill: mask [${mask.shape.join(', ')}] does not broadcast to input [${x.shape.join(', ')}]`);
  }
  return where(mask, asTensor(value, x), x);
}

/** A bool [rows, cols] mask that is true where col - row <= diagonal (lower) or >= diagonal (upper). */
function triangleMask(rows: number, cols: number, diagonal: number, lower: boolean): Tensor {
  const m = emptyTensor([rows, cols], 'bool');
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) m.data[i * cols + j] = (lower ? j - i <= diagonal : j - i >= diagonal) ? 1 : 0;
  }
  return m;
}

function triangle(x: Tensor, diagonal: number, lower: boolean, op: string): Tensor {
  if (x.ndim < 2) fail('ShapeMismatch', `${op}: expected a tensor with at least 2 dims, got [${x.shape.join(', ')}]`);
  const mask = triangleMask(x.shape[x.ndim - 2], x.shape[x.ndim - 1], diagonal, lower);
  return where(mask, x, asTensor(0, x));
}

/** The lower triangle of the last two dims (elements with col - row <= diagonal); the rest is 0. */
export function tril(x: Tensor, diagonal = 0): Tensor {
  return triangle(x, diagonal, true, 'tril');
}

/** The upper triangle of the last two dims (elements with col - row >= diagonal); the rest is 0. */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return triangle(x, diagonal, false, 'triu');
}

/** One-hot encoding of int32 `ids`: [...ids.shape, numClasses] (int32, like torch.nn.functional.one_hot). */
export function oneHot(ids: Tensor, numClasses = -1): Tensor {
  requireInt(ids, 'oneHot', 'ids');
  const idData = contiguousRaw(ids).data as Int32Array;
  let C = numClasses;
  if (C < 0) C = idData.reduce((mx, v) => Math.max(mx, v + 1), 0);
  checkIndices(idData, C, 'oneHot', false);
  const out = emptyTensor([...ids.shape, C], 'int32');
  for (let i = 0; i < idData.length; i++) out.data[i * C + idData[i]] = 1;
  return out;
}

