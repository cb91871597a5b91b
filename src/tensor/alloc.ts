import { hugePageBuffer } from '../backend/index.js';
import type { AnyArray, DType } from './dtype.js';

/**
 * Fresh zeroed storage for `n` elements. Small arrays are carved out of shared slabs: creating a typed
 * array over a fresh ArrayBuffer costs about 1.3 µs here, more than a small op's arithmetic, while a view
 * into an existing buffer costs a tenth of that. A slab is freed by the collector once every view into
 * it is gone; slabs are never reused, so carved memory is always zero.
 */
const SLAB_BYTES = 1 << 18;
const SMALL_BYTES = 1 << 14;
const ALIGN = 32;

let slab = new ArrayBuffer(SLAB_BYTES);
let slabPos = 0;

function carve(bytes: number): [ArrayBuffer, number] {
  const size = (bytes + ALIGN - 1) & ~(ALIGN - 1);
  if (slabPos + size > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabPos = 0;
  }
  const at = slabPos;
  slabPos += size;
  return [slab, at];
}

/*
 * An optional cap on the elements allocated while a model is built from a file's config (see
 * withAllocationLimit): a config that describes a far larger model than its weights is refused before the
 * allocation instead of exhausting memory.
 */
interface AllocationLimit {
  left: number;
  exceeded: (elements: number) => never;
}
let limit: AllocationLimit | null = null;

function charge(n: number): void {
  if (limit === null) return;
  if (n > limit.left) limit.exceeded(n);
  limit.left -= n;
}

/**
 * Runs `fn` with at most `elements` elements (of any dtype) allocated through this module; the allocation
 * that would go past the cap calls `exceeded` (which throws) instead of allocating. Inside another limit,
 * the inner one is at most what the outer one has left, and what `fn` allocated counts against both.
 */
export function withAllocationLimit<T>(elements: number, exceeded: (elements: number) => never, fn: () => T): T {
  const outer = limit;
  const inner: AllocationLimit = { left: outer ? Math.min(elements, outer.left) : elements, exceeded };
  const start = inner.left;
  limit = inner;
  try {
    return fn();
  } finally {
    limit = outer;
    if (outer) outer.left -= start - inner.left;
  }
}

export function allocFloat32(n: number): Float32Array {
  charge(n);
  return allocFloat32Charged(n);
}

function allocFloat32Charged(n: number): Float32Array {
  const bytes = n * 4;
  if (bytes <= SMALL_BYTES) {
    const [buf, at] = carve(bytes);
    return new Float32Array(buf, at, n);
  }
  const reused = fromPool(n);
  if (reused) return reused.fill(0);
  return track(new Float32Array(n));
}

/**
 * Storage for `n` float32 elements whose initial values are unspecified: only for outputs that the
 * caller writes completely before anyone reads them (a GEMM with beta 0, an elementwise kernel).
 * Skips the zero fill of a reused or freshly allocated large array.
 */
export function allocFloat32Uninit(n: number): Float32Array {
  charge(n);
  if (n * 4 <= SMALL_BYTES) return allocFloat32Charged(n);
  const reused = fromPool(n);
  if (reused) return reused;
  const raw = Buffer.allocUnsafeSlow(n * 4);
  return track(new Float32Array(raw.buffer, raw.byteOffset, n));
}

const HUGE_PAGE_BYTES = 2 << 20;

/**
 * Zeroed storage for `n` float32 elements that live as long as a model (its parameters): from 2 MB up it
 * is backed by huge pages when the platform offers them (`hugePageBuffer`), since a generation step
 * streams every weight once and 4 KB pages would cost a TLB miss every 4 KB. Never pooled.
 */
export function allocFloat32Resident(n: number): Float32Array {
  charge(n);
  const buf = n * 4 >= HUGE_PAGE_BYTES ? hugePageBuffer(n * 4) : null;
  return buf ? new Float32Array(buf, 0, n) : allocFloat32Charged(n);
}

/*
 * Recycling of large float32 arrays. Every large array costs a page-faulting allocation, a zero fill and
 * external-memory pressure that triggers collections; autograd's backward pass allocates tens of
 * megabytes of short-lived gradients per step. Backward (src/autograd/graph.ts) opens a tracking scope,
 * counts the references its gradient map holds to each array allocated inside the scope, and hands an
 * array back here once no reference remains; the next allocation of that length reuses it. Arrays that
 * escape the scope (a leaf's .grad, anything allocated before it) are never recycled.
 */
const POOL_MAX_BYTES = 64 << 20;
const pool = new Map<number, Float32Array[]>();
let pooledBytes = 0;
const scopes: Map<ArrayBuffer, Float32Array>[] = [];

function fromPool(n: number): Float32Array | null {
  const free = pool.get(n);
  const arr = free?.pop();
  if (!arr) return null;
  pooledBytes -= n * 4;
  return track(arr);
}

function track(arr: Float32Array): Float32Array {
  if (scopes.length > 0) scopes[scopes.length - 1].set(arr.buffer as ArrayBuffer, arr);
  return arr;
}

/** Starts recording the large float32 arrays allocated from now on (until `endAllocationScope`). */
export function beginAllocationScope(): Map<ArrayBuffer, Float32Array> {
  const scope = new Map<ArrayBuffer, Float32Array>();
  scopes.push(scope);
  return scope;
}

export function endAllocationScope(scope: Map<ArrayBuffer, Float32Array>): void {
  const i = scopes.lastIndexOf(scope);
  if (i >= 0) scopes.splice(i, 1);
}

/**
 * Returns a large scratch array that the caller allocated itself and never exposed (no tensor or view
 * of it survives) to the pool; arrays that do not own their whole buffer are ignored.
 */
export function releaseScratch(arr: Float32Array): void {
  const bytes = arr.length * 4;
  if (bytes <= SMALL_BYTES || arr.byteOffset !== 0 || arr.buffer.byteLength !== bytes) return;
  for (const scope of scopes) scope.delete(arr.buffer as ArrayBuffer);
  toPool(arr);
}

function toPool(arr: Float32Array): void {
  const bytes = arr.length * 4;
  if (pooledBytes + bytes > POOL_MAX_BYTES) return;
  let free = pool.get(arr.length);
  if (!free) pool.set(arr.length, (free = []));
  else if (free.includes(arr)) return; // released twice: handing it out twice would alias two tensors
  free.push(arr);
  pooledBytes += bytes;
}

/**
 * Returns an array allocated inside `scope` to the pool. The caller guarantees that nothing reads or
 * writes any view of it any more; an array not recorded by the scope (or already returned) is ignored.
 */
export function recycleFloat32(scope: Map<ArrayBuffer, Float32Array>, buffer: ArrayBuffer): void {
  const arr = scope.get(buffer);
  if (!arr) return;
  scope.delete(buffer);
  toPool(arr);
}

export function allocArray(dtype: DType, n: number): AnyArray {
  if (dtype !== 'float32') charge(n);
  switch (dtype) {
    case 'float32':
      return allocFloat32(n);
    case 'float64': {
      if (n * 8 <= SMALL_BYTES) {
        const [buf, at] = carve(n * 8);
        return new Float64Array(buf, at, n);
      }
      return new Float64Array(n);
    }
    case 'int32': {
      if (n * 4 <= SMALL_BYTES) {
        const [buf, at] = carve(n * 4);
        return new Int32Array(buf, at, n);
      }
      return new Int32Array(n);
    }
    case 'bool': {
      if (n <= SMALL_BYTES) {
        const [buf, at] = carve(n);
        return new Uint8Array(buf, at, n);
      }
      return new Uint8Array(n);
    }
  }
}
