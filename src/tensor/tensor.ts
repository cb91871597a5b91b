import { backendFor } from '../backend/index.js';
import { fail } from '../errors.js';
import { allocArray, allocFloat32Uninit } from './alloc.js';
import type { AnyArray, DType } from './dtype.js';
import { type GraphOwnedStorage, noteCreated } from './graph-owned.js';
import { contiguousStrides, isContiguous, numel, type Shape } from './shape.js';

/** What autograd records on a tensor that an op produced (src/autograd defines the real node). */
export interface GradFn {
  readonly name: string;
  readonly inputs: readonly (Tensor | null)[];
}

export type NestedArray = number | boolean | NestedArray[];

/**
 * An n-dimensional array: a typed-array `data` read through `shape`, `strides` and `offset`, so views
 * (transpose, slices, expand) share their base's storage. Ops and autograd live in src/autograd, which
 * adds the PyTorch-style methods (`add`, `matmul`, `backward`, ...) to this class.
 */
export class Tensor {
  data: AnyArray;
  shape: number[];
  strides: number[];
  offset: number;
  readonly dtype: DType;
  requiresGrad = false;
  grad: Tensor | null = null;
  gradFn: GradFn | null = null;
  /** Set by `retainGrad()`: keep `.grad` on this non-leaf tensor. */
  retainsGrad = false;
  /** Set on a forward pass's private intermediates: their storage is recycled after backward. */
  graphOwned: GraphOwnedStorage | null = null;

  constructor(data: AnyArray, shape: number[], dtype: DType, strides?: number[], offset = 0) {
    this.data = data;
    this.shape = shape;
    this.dtype = dtype;
    this.strides = strides ?? contiguousStrides(shape);
    this.offset = offset;
    noteCreated(this);
  }

  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements. */
  get size(): number {
    return numel(this.shape);
  }

  numel(): number {
    return numel(this.shape);
  }

  /** The size of one dimension (negative counts from the end). */
  dim(d: number): number {
    const n = this.shape.length;
    const i = d < 0 ? d + n : d;
    if (i < 0 || i >= n) fail('IndexOutOfRange', `dim ${d} out of range for shape [${this.shape.join(', ')}]`);
    return this.shape[i];
  }

  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  /**
   * The elements in row-major order as a typed array that starts at index 0. Shares storage when the
   * tensor is already contiguous (do not write to it then), copies otherwise.
   */
  dense(): AnyArray {
    const n = numel(this.shape);
    if (isContiguous(this.shape, this.strides)) {
      if (this.offset === 0 && this.data.length === n) return this.data;
      return this.data.subarray(this.offset, this.offset + n);
    }
    const out = allocArray(this.dtype, n);
    backendFor(this.dtype).copy(this, out, this.shape);
    return out;
  }

  /** A fresh contiguous copy of the elements, never shared with the tensor. */
  toTypedArray(): AnyArray {
    const n = numel(this.shape);
    const out = allocArray(this.dtype, n).slice(0, n);
    backendFor(this.dtype).copy(this, out, this.shape);
    return out;
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (numel(this.shape) !== 1) fail('InvalidArgument', `item() needs a one-element tensor, got shape [${this.shape.join(', ')}]`);
    return this.data[this.offset];
  }

  /** The elements as (nested) JavaScript arrays; booleans for bool tensors. */
  tolist(): NestedArray {
    const flat = this.dense();
    const asValue = this.dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
    if (this.shape.length === 0) return asValue(flat[0]);
    const build = (dim: number, at: number): NestedArray[] => {
      const out: NestedArray[] = [];
      const step = numel(this.shape.slice(dim + 1));
      for (let i = 0; i < this.shape[dim]; i++) {
        out.push(dim === this.shape.length - 1 ? asValue(flat[at + i]) : build(dim + 1, at + i * step));
      }
      return out;
    };
    return build(0, 0);
  }

  /** A view of the same storage with other shape/strides/offset (no autograd; see src/autograd). */
  rawView(shape: number[], strides: number[], offset: number): Tensor {
    return new Tensor(this.data, shape, this.dtype, strides, offset);
  }

  toString(): string {
    const shape = `[${this.shape.join(', ')}]`;
    const grad = this.gradFn ? `, gradFn=${this.gradFn.name}` : this.requiresGrad ? ', requiresGrad=true' : '';
    const n = numel(this.shape);
    const body = n <= 64 ? JSON.stringify(this.tolist()) : `${n} elements`;
    return `tensor(${body}, shape=${shape}, dtype=${this.dtype}${grad})`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

/** A new contiguous tensor with fresh zeroed storage. */
export function emptyTensor(shape: Shape, dtype: DType): Tensor {
  const s = shape.slice();
  return new Tensor(allocArray(dtype, numel(s)), s, dtype);
}

/**
 * A new contiguous tensor whose elements are unspecified (float32 storage is not zero-filled): only for
 * results that a kernel writes completely before anything reads them.
 */
export function uninitTensor(shape: Shape, dtype: DType): Tensor {
  const s = shape.slice();
  const data = dtype === 'float32' ? allocFloat32Uninit(numel(s)) : allocArray(dtype, numel(s));
  return new Tensor(data, s, dtype);
}
