import { backendFor } from '../../backend/index.js';
import { fail } from '../../errors.js';
import type { FloatArray } from '../../tensor/dtype.js';
import type { Generator } from '../../tensor/random.js';
import { normalizeDim, numel, shapesEqual } from '../../tensor/shape.js';
import { emptyTensor, type Tensor, uninitTensor } from '../../tensor/tensor.js';
import { needsGrad, record } from '../graph.js';
import { add, exp, log, mul, sub } from './elementwise.js';
import { sum, type Dims } from './reduce.js';
import { permute, reshape } from './shape.js';
import { castRaw, contiguousRaw, dataOf, drawDropout, floatRaw, requireFloat, splitAround } from './util.js';

function softmaxImpl(x: Tensor, dim: number, log: boolean, name: string): Tensor {
  const src = contiguousRaw(floatRaw(x));
  const d = normalizeDim(dim, src.ndim, name);
  const [outer, n, inner] = src.ndim === 0 ? [1, 1, 1] : splitAround(src.shape, d);
  const out = uninitTensor(src.shape, src.dtype);
  const be = backendFor(src.dtype);
  be.softmax(src.data as FloatArray, out.data as FloatArray, outer, n, inner, log);
  if (!needsGrad(x)) return out;
  return record(out, log ? 'LogSoftmaxBackward' : 'SoftmaxBackward', [x], (g) => {
    const gx = uninitTensor(src.shape, src.dtype);
    be.softmaxBackward(out.data as FloatArray, dataOf(g), gx.data as FloatArray, outer, n, inner, log);
    return [gx];
  });
}

/** softmax(x)_i = exp(x_i) / Σ_j exp(x_j) along `dim`. */
export function softmax(x: Tensor, dim: number): Tensor {
  return softmaxImpl(x, dim, false, 'softmax');
}

/** log(softmax(x)) along `dim`, computed stably as x - logsumexp(x). */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return softmaxImpl(x, dim, true, 'logSoftmax');
}

/**
 * log Σ exp(x) over `dim` (a number or several), computed as m + log Σ exp(x - m) with m the maximum.
 * Rows that are all -inf give -inf.
 */
export function logsumexp(x: Tensor, dim: Dims, keepdim = false): Tensor {
  requireFloat(x, 'logsumexp');
  if (x.ndim === 0) return x;
  const dims = dim === null || dim === undefined ? x.shape.map((_, i) => i)
    : [...new Set((typeof dim === 'number' ? [dim] : [...dim]).map((d) => normalizeDim(d, x.ndim, 'logsumexp')))]
      .sort((a, b) => a - b);
  const keep = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const keptShape = x.shape.map((s, i) => (dims.includes(i) ? 1 : s));
  // Move the reduced dims last and merge them into one.
  const moved = reshape(permute(x, [...keep, ...dims]), [...keep.map((i) => x.shape[i]), -1]);
  const m = rowMaxRaw(moved);
  const lse = add(log(sum(exp(sub(moved, m)), -1, true)), m);
  return reshape(lse, keepdim ? keptShape : keep.map((i) => x.shape[i]));
}

/** The maximum of each last-axis row as a constant [..., 1] tensor, with ±inf replaced by 0. */
function rowMaxRaw(x: Tensor): Tensor {
  const src = contiguousRaw(x);
  const n = src.shape[src.ndim - 1];
  const rows = numel(src.shape) / Math.max(n, 1);
  const out = emptyTensor([...src.shape.slice(0, -1), 1], src.dtype);
  backendFor(src.dtype).reduce('max', src.data as FloatArray, out.data as FloatArray, rows, n, 1, null);
  const d = out.data;
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i])) d[i] = 0;
  return out;
}

/**
 * Layer normalization over the trailing `normalizedShape` dims:
 * y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias (biased variance, as PyTorch).
 * weight and bias, when given, have shape `normalizedShape`.
 */
export function layerNorm(x: Tensor, normalizedShape: number[], weight?: Tensor | null, bias?: Tensor | null,
  eps = 1e-5): Tensor {
  requireFloat(x, 'layerNorm');
  const k = normalizedShape.length;
  if (k === 0 || k > x.ndim || !shapesEqual(x.shape.slice(x.ndim - k), normalizedShape)) {
    fail('ShapeMismatch', `layerNorm: expected input with trailing shape [${normalizedShape.join(', ')}], got [${x.shape.join(', ')}]`);
  }
  for (const [p, name] of [[weight, 'weight'], [bias, 'bias']] as const) {
    if (p && !shapesEqual(p.shape, normalizedShape)) {
      fail('ShapeMismatch', `layerNorm: expected ${name} of shape [${normalizedShape.join(', ')}], got [${p.shape.join(', ')}]`);
    }
  }
  const cols = numel(normalizedShape);
  const rows = x.size / Math.max(cols, 1);
  const src = contiguousRaw(x);
  const dt = src.dtype;
  const w = weight ? contiguousRaw(castRaw(weight, dt)) : null;
  const b = bias ? contiguousRaw(castRaw(bias, dt)) : null;
  const be = backendFor(dt);
  const out = uninitTensor(src.shape, dt);
  const meanT = emptyTensor([rows], dt);
  const rstdT = emptyTensor([rows], dt);
  be.layerNorm(src.data as FloatArray, w ? (w.data as FloatArray) : null, b ? (b.data as FloatArray) : null,
    out.data as FloatArray, meanT.data as FloatArray, rstdT.data as FloatArray, rows, cols, eps);
  const wIn = weight ?? null;
  const bIn = bias ?? null;
  if (!needsGrad(x, wIn, bIn)) return out;
  return record(out, 'LayerNormBackward', [x, wIn, bIn], (g, partial) => {
    const sum = partial(0); // a residual stream's gradient so far: the kernel adds into it
    const gx = sum ?? uninitTensor(src.shape, dt);
    const gw = wIn?.requiresGrad ? emptyTensor(normalizedShape, dt) : null;
    const gb = bIn?.requiresGrad ? emptyTensor(normalizedShape, dt) : null;
    be.layerNormBackward(src.data as FloatArray, w ? (w.data as FloatArray) : null, meanT.data as FloatArray,
      rstdT.data as FloatArray, dataOf(castRaw(g, dt)), gx.data as FloatArray,
      gw ? (gw.data as FloatArray) : null, gb ? (gb.data as FloatArray) : null, rows, cols, sum !== null);
    return [gx, gw, gb];
  });
}

/**
 * Inverted dropout: while training, zeroes each element with probability p and scales the rest by
 * 1/(1-p), so the expectation is unchanged; the identity when not training or p = 0. Each call takes
 * two 32-bit draws from `generator` (default: the global one) to seed the backend's `dropout` kernel, so a
 * seeded run drops the same elements every time. Nothing is saved for backward: it applies the same
 * kernel, with the same seeds, to the gradient.
 */
export function dropout(x: Tensor, p: number, training: boolean, generator?: Generator): Tensor {
  if (!(p >= 0 && p <= 1)) fail('InvalidArgument', `dropout: expected probability p in [0, 1], got ${p}`);
  if (!training || p === 0) return x;
  requireFloat(x, 'dropout');
  if (p === 1) return mul(x, emptyTensor(x.shape, x.dtype));
  const { seed0, seed1 } = drawDropout(p, generator);
  const be = backendFor(x.dtype);
  const dropped = (t: Tensor) => {
    const out = uninitTensor(t.shape, t.dtype);
    be.dropout(contiguousRaw(t).data as FloatArray, out.data as FloatArray, out.size, p, seed0, seed1);
    return out;
  };
  const y = dropped(x);
  if (!needsGrad(x)) return y;
  return record(y, 'DropoutBackward', [x], (g) => [dropped(castRaw(g, x.dtype))]);
}
