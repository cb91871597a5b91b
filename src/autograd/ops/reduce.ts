import { backendFor } from '../../backend/index.js';
import { type FloatArray, isFloat } from '../../tensor/dtype.js';
import { normalizeDim } from '../../tensor/shape.js';
import { emptyTensor, type Tensor } from '../../tensor/tensor.js';
import { needsGrad, record } from '../graph.js';
import { expand, reshape } from './shape.js';
import { binaryRaw, mul, sub } from './elementwise.js';
import { asTensor, castRaw, contiguousRaw, floatRaw, splitAround, sumAxisRaw } from './util.js';

export type Dims = number | readonly number[] | null | undefined;

function normalizeDims(dims: Dims, ndim: number, op: string): number[] {
  if (dims === null || dims === undefined) return Array.from({ length: ndim }, (_, i) => i);
  const list = typeof dims === 'number' ? [dims] : [...dims];
  const out = [...new Set(list.map((d) => normalizeDim(d, ndim, op)))];
  return out.sort((a, b) => a - b);
}

/** The shape after reducing `dims`, and the same with 1s kept (for broadcasting gradients back). */
function reducedShapes(shape: readonly number[], dims: number[], keepdim: boolean): [number[], number[]] {
  const kept = shape.map((s, i) => (dims.includes(i) ? 1 : s));
  return [keepdim ? kept : shape.filter((_, i) => !dims.includes(i)), kept];
}

/** Sum over `dim` (all dims when omitted). */
export function sum(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = normalizeDims(dim, x.ndim, 'sum');
  // Integer and bool sums are exact in float64 and come back as int32 (PyTorch gives an integer too).
  const integral = !isFloat(x.dtype);
  let out = integral ? castRaw(x, 'float64') : x;
  for (let i = dims.length - 1; i >= 0; i--) out = sumAxisRaw(out, dims[i], true);
  const [shape, kept] = reducedShapes(x.shape, dims, keepdim);
  out = reshape(contiguousRaw(integral ? castRaw(out, 'int32') : out), shape);
  if (!needsGrad(x)) return out;
  return record(out, 'SumBackward', [x], (g) => [expand(reshape(g, kept), x.shape)]);
}

export function mean(x: Tensor, dim?: Dims, keepdim = false): Tensor {
  const dims = normalizeDims(dim, x.ndim, 'mean');
  const count = dims.reduce((n, d) => n * x.shape[d], 1);
  const s = sum(x, dims, keepdim);
  return divScalar(s, count);
}

function divScalar(s: Tensor, count: number): Tensor {
  const out = binaryRaw('div', s, asTensor(count, s));
  if (!needsGrad(s)) return out;
  return record(out, 'DivBackward', [s], (g) => [binaryRaw('div', g, asTensor(count, g))]);
}

export interface VarOptions {
  /** Bessel's correction (divide by N-1); default true, as torch.var. */
  unbiased?: boolean;
  keepdim?: boolean;
}

export function variance(x: Tensor, dim?: Dims, opts?: VarOptions): Tensor {
  const dims = normalizeDims(dim, x.ndim, 'var');
  const count = dims.reduce((n, d) => n * x.shape[d], 1);
  const centered = sub(x, mean(x, dims, true));
  const ss = sum(mul(centered, centered), dims, opts?.keepdim ?? false);
  return divScalar(ss, (opts?.unbiased ?? true) ? count - 1 : count);
}

export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

function maxMin(op: 'max' | 'min', x: Tensor, dim: number, keepdim: boolean): ValuesIndices {
  const d = normalizeDim(dim, x.ndim, op);
  const src = contiguousRaw(floatRaw(x));
  const [outer, n, inner] = splitAround(src.shape, d);
  const kept = src.shape.slice();
  kept[d] = 1;
  const shape = keepdim ? kept : src.shape.filter((_, i) => i !== d);
  const values = emptyTensor(shape, src.dtype);
  const indices = emptyTensor(shape, 'int32');
  backendFor(src.dtype).reduce(op, src.data as FloatArray, values.data as FloatArray, outer, n, inner, indices.data as Int32Array);
  if (!needsGrad(x)) return { values, indices };
  record(values, op === 'max' ? 'MaxBackward' : 'MinBackward', [x], (g) => {
    const gx = emptyTensor(x.shape, g.dtype);
    const gd = contiguousRaw(g).data;
    const idx = indices.data as Int32Array;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) gx.data[(o * n + idx[o * inner + i]) * inner + i] = gd[o * inner + i];
    }
    return [gx];
  });
  return { values, indices };
}

/** Largest values along `dim` and their indices (PyTorch's torch.max(x, dim)). */
export function max(x: Tensor, dim: number, keepdim = false): ValuesIndices {
  return maxMin('max', x, dim, keepdim);
}

export function min(x: Tensor, dim: number, keepdim = false): ValuesIndices {
  return maxMin('min', x, dim, keepdim);
}

/** Index of the largest value along `dim` (over all elements when omitted). */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor {
  if (dim === undefined) return maxMin('max', reshape(x, [-1]), 0, false).indices;
  return maxMin('max', x, dim, keepdim).indices;
}

export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor {
  if (dim === undefined) return maxMin('min', reshape(x, [-1]), 0, false).indices;
  return maxMin('min', x, dim, keepdim).indices;
}

/** The largest element of the whole tensor (differentiable). */
export function amax(x: Tensor): Tensor {
  return maxMin('max', reshape(x, [-1]), 0, false).values;
}
