import { fail } from '../errors.js';
import { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from './graph.js';
import './methods.js';

export interface GradcheckOptions {
  /** Finite-difference step. Default 1e-6. */
  eps?: number;
  /** Absolute tolerance. Default 1e-5. */
  atol?: number;
  /** Relative tolerance (of the numeric gradient). Default 1e-3. */
  rtol?: number;
  /** Seed of the random cotangent R. Default 0. */
  seed?: number;
}

export interface GradcheckResult {
  /** Largest |analytic - numeric| over every checked element. */
  maxErr: number;
  /** The element with the largest error relative to its tolerance, e.g. "input 1 [2, 0]". */
  worst: string;
  /** Number of elements checked. */
  checked: number;
}

/** Σ out·R in double precision. */
function dot(out: Tensor, r: Float64Array): number {
  const d = out.dense();
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i] * r[i];
  return s;
}

/** Storage offsets of every element of `t`, in row-major order. */
function offsetsOf(t: Tensor): number[] {
  const out: number[] = [];
  const idx = new Array<number>(t.ndim).fill(0);
  for (let n = 0; n < t.size; n++) {
    let off = t.offset;
    for (let d = 0; d < t.ndim; d++) off += idx[d] * t.strides[d];
    out.push(off);
    for (let d = t.ndim - 1; d >= 0; d--) {
      if (++idx[d] < t.shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

function indexName(t: Tensor, flat: number): string {
  const idx: number[] = [];
  for (let d = t.ndim - 1; d >= 0; d--) {
    idx.unshift(flat % t.shape[d]);
    flat = Math.floor(flat / t.shape[d]);
  }
  return `[${idx.join(', ')}]`;
}

/**
 * Checks the gradients that backward() computes for `fn` against central finite differences
 * (f(x+ε) - f(x-ε)) / 2ε of the scalar Σ fn(inputs)·R, R a fixed random cotangent, for every element of
 * every input that requires a gradient. Those inputs must be float64 (float64 work runs on the js
 * reference backend); they may be non-contiguous views. Other inputs (int indices, masks, constants)
 * are passed through. Throws an LmkitError naming the worst element when any
 * |analytic - numeric| > atol + rtol·|numeric|; returns the largest error otherwise.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], opts: GradcheckOptions = {}): GradcheckResult {
  const eps = opts.eps ?? 1e-6;
  const atol = opts.atol ?? 1e-5;
  const rtol = opts.rtol ?? 1e-3;
  const checked = inputs.map((t, i) => ({ t, i })).filter(({ t }) => t.requiresGrad);
  if (checked.length === 0) fail('InvalidArgument', 'gradcheck: no input requires a gradient');
  for (const { t, i } of checked) {
    if (t.dtype !== 'float64') fail('DTypeMismatch', `gradcheck: expected float64 for input ${i}, got ${t.dtype}`);
    if (!t.isLeaf) fail('InvalidArgument', `gradcheck: input ${i} must be a leaf tensor`);
  }
  const out = fn(...inputs);
  if (out.dtype !== 'float64') fail('DTypeMismatch', `gradcheck: expected a float64 output, got ${out.dtype}`);
  const gen = new Generator(opts.seed ?? 0);
  const r = new Float64Array(out.size).map(() => gen.normal());
  for (const { t } of checked) t.grad = null;
  if (out.requiresGrad) out.backward(new Tensor(r.slice(), out.shape.slice(), 'float64'));
  let maxErr = 0;
  let worstRatio = -1;
  let worst = '';
  let count = 0;
  const failures: string[] = [];
  for (const { t, i } of checked) {
    const analytic = t.grad ? (t.grad as Tensor).dense() : new Float64Array(t.size);
    const data = t.data;
    offsetsOf(t).forEach((off, flat) => {
      const orig = data[off];
      data[off] = orig + eps;
      const plus = noGrad(() => dot(fn(...inputs), r));
      data[off] = orig - eps;
      const minus = noGrad(() => dot(fn(...inputs), r));
      data[off] = orig;
      const numeric = (plus - minus) / (2 * eps);
      const a = analytic[flat];
      const err = Math.abs(a - numeric);
      const tol = atol + rtol * Math.abs(numeric);
      count++;
      if (!(err <= maxErr)) maxErr = err;
      const ratio = Number.isNaN(err) ? Infinity : err / tol;
      const where = `input ${i} element ${indexName(t, flat)}: analytic ${a}, numeric ${numeric}`;
      if (ratio > worstRatio) {
        worstRatio = ratio;
        worst = where;
      }
      if (!(err <= tol)) failures.push(where);
    });
    t.grad = null;
  }
  if (failures.length > 0) {
    fail('GradcheckFailed', `gradcheck: ${failures.length} of ${count} gradient elements differ; worst: ${worst} (|error| ${maxErr.toExponential(3)} > atol ${atol} + rtol ${rtol}·|numeric|)`);
  }
  return { maxErr, worst, checked: count };
}
