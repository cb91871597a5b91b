import { fail } from '../errors.js';

export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

export function contiguousStrides(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

export function isContiguous(shape: Shape, strides: readonly number[]): boolean {
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && strides[i] !== s) return false;
    s *= shape[i];
  }
  return true;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Normalizes a possibly negative dimension index against `ndim`. */
export function normalizeDim(dim: number, ndim: number, op = 'op'): number {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) {
    fail('IndexOutOfRange', `${op}: dimension ${dim} out of range for a tensor of ${ndim} dimensions`);
  }
  return dim < 0 ? dim + n : dim;
}

export function broadcastShapes(a: Shape, b: Shape, op = 'op'): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      fail('ShapeMismatch', `${op}: shapes [${a.join(', ')}] and [${b.join(', ')}] cannot be broadcast`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides that read a tensor of `shape`/`strides` as if it had `target` shape (0 on broadcast dims). */
export function broadcastStrides(shape: Shape, strides: readonly number[], target: Shape): number[] {
  const out = new Array<number>(target.length).fill(0);
  const off = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[off + i] = shape[i] === 1 ? 0 : strides[i];
  return out;
}

export function checkShape(shape: Shape, op = 'tensor'): void {
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) fail('InvalidArgument', `${op}: invalid shape [${shape.join(', ')}]`);
  }
}

/** Resolves one -1 in a requested shape against `total` elements. */
export function inferShape(shape: readonly number[], total: number, op = 'reshape'): number[] {
  let infer = -1;
  let known = 1;
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === -1) {
      if (infer >= 0) fail('InvalidArgument', `${op}: only one dimension can be -1`);
      infer = i;
    } else {
      if (!Number.isInteger(shape[i]) || shape[i] < 0) fail('InvalidArgument', `${op}: invalid size ${shape[i]}`);
      known *= shape[i];
    }
  }
  const out = shape.slice();
  if (infer >= 0) {
    if (known === 0 || total % known !== 0) {
      fail('ShapeMismatch', `${op}: shape [${shape.join(', ')}] is invalid for input of size ${total}`);
    }
    out[infer] = total / known;
  } else if (known !== total) {
    fail('ShapeMismatch', `${op}: shape [${shape.join(', ')}] is invalid for input of size ${total}`);
  }
  return out;
}
