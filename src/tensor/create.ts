import { fail } from '../errors.js';
import { allocArray } from './alloc.js';
import { type AnyArray, type DType, dtypeOfArray } from './dtype.js';
import { defaultGenerator, type Generator } from './random.js';
import { checkShape, numel, type Shape } from './shape.js';
import { type NestedArray, Tensor } from './tensor.js';

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

function finish(t: Tensor, opts?: TensorOptions): Tensor {
  if (opts?.requiresGrad) {
    if (t.dtype !== 'float32' && t.dtype !== 'float64') fail('InvalidArgument', `only float tensors can require gradients, got ${t.dtype}`);
    t.requiresGrad = true;
  }
  return t;
}

function inferNested(data: NestedArray): { shape: number[]; flat: number[]; bool: boolean } {
  const shape: number[] = [];
  let probe: NestedArray = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: number[] = [];
  let bool = false;
  const walk = (x: NestedArray, depth: number) => {
    if (depth === shape.length) {
      if (Array.isArray(x)) fail('InvalidArgument', 'tensor(): ragged nested array');
      if (typeof x === 'boolean') bool = true;
      else if (typeof x !== 'number') fail('InvalidArgument', `tensor(): unsupported element ${String(x)}`);
      flat.push(Number(x));
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) {
      fail('InvalidArgument', `tensor(): ragged nested array (expected length ${shape[depth]} at depth ${depth})`);
    }
    for (const e of x) walk(e, depth + 1);
  };
  walk(data, 0);
  return { shape, flat, bool };
}

/**
 * A tensor from a number, nested arrays or a typed array (a typed array is used as storage without
 * copying; pass `shape` to give it one). The default dtype is float32, bool for booleans and the
 * array's own type for typed arrays.
 */
export function tensor(data: NestedArray | AnyArray, opts?: TensorOptions & { shape?: Shape }): Tensor {
  if (ArrayBuffer.isView(data)) {
    const arr = data as AnyArray;
    const shape = opts?.shape ? opts.shape.slice() : [arr.length];
    checkShape(shape);
    if (numel(shape) !== arr.length) fail('ShapeMismatch', `tensor(): shape [${shape.join(', ')}] does not hold ${arr.length} elements`);
    const own = dtypeOfArray(arr);
    const dtype = opts?.dtype ?? own;
    if (dtype === own) return finish(new Tensor(arr, shape, dtype), opts);
    const out = allocArray(dtype, arr.length);
    for (let i = 0; i < arr.length; i++) out[i] = arr[i];
    return finish(new Tensor(out, shape, dtype), opts);
  }
  const { shape, flat, bool } = inferNested(data as NestedArray);
  const dtype = opts?.dtype ?? (bool ? 'bool' : 'float32');
  const out = allocArray(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) out[i] = flat[i];
  return finish(new Tensor(out, opts?.shape ? opts.shape.slice() : shape, dtype), opts);
}

export function full(shape: Shape, value: number, opts?: TensorOptions): Tensor {
  checkShape(shape, 'full');
  const dtype = opts?.dtype ?? 'float32';
  const data = allocArray(dtype, numel(shape));
  if (value !== 0) data.fill(value);
  return finish(new Tensor(data, shape.slice(), dtype), opts);
}

export function zeros(shape: Shape, opts?: TensorOptions): Tensor {
  return full(shape, 0, opts);
}

export function ones(shape: Shape, opts?: TensorOptions): Tensor {
  return full(shape, 1, opts);
}

export function zerosLike(t: Tensor, opts?: TensorOptions): Tensor {
  return full(t.shape, 0, { dtype: t.dtype, ...opts });
}

export function onesLike(t: Tensor, opts?: TensorOptions): Tensor {
  return full(t.shape, 1, { dtype: t.dtype, ...opts });
}

/** Values start, start+step, ... below end (one argument: 0 .. end-1). */
export function arange(start: number, end?: number, step = 1, opts?: TensorOptions): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0) fail('InvalidArgument', 'arange: step must be non-zero');
  const n = Math.max(0, Math.ceil((end - start) / step));
  const ints = Number.isInteger(start) && Number.isInteger(step);
  const dtype = opts?.dtype ?? (ints ? 'int32' : 'float32');
  const data = allocArray(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return finish(new Tensor(data, [n], dtype), opts);
}

export function eye(n: number, m = n, opts?: TensorOptions): Tensor {
  const t = zeros([n, m], opts);
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

/** Uniform samples in [0, 1). */
export function rand(shape: Shape, opts?: RandomOptions): Tensor {
  const t = zeros(shape, { dtype: opts?.dtype ?? 'float32' });
  (opts?.generator ?? defaultGenerator).fillUniform(t.data, 0, t.data.length);
  return finish(t, opts);
}

/** Standard normal samples. */
export function randn(shape: Shape, opts?: RandomOptions): Tensor {
  const t = zeros(shape, { dtype: opts?.dtype ?? 'float32' });
  (opts?.generator ?? defaultGenerator).fillNormal(t.data, 0, t.data.length);
  return finish(t, opts);
}

/** Uniform integers in [low, high), int32. */
export function randint(low: number, high: number, shape: Shape, opts?: RandomOptions): Tensor {
  const t = zeros(shape, { dtype: opts?.dtype ?? 'int32' });
  const g = opts?.generator ?? defaultGenerator;
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = g.randint(low, high);
  return t;
}
