import type { AnyArray, DType } from './dtype.js';

/**
 * Fresh zeroed storage for `n` elements. Small arrays are carved out of shared slabs: creating a typed
 * array over a fresh ArrayBuffer costs about 1.3 µs here, more than a small op's arithmetic, while a view
 * into an existing buffer costs a tenth of that. A slab is freed by the collector once every view into
 * it is gone; slabs are never reused, so carved memory is always zero.
 */
const SLAB_BYTES = 1 << 18;
const SMALL_BYTES = 1 << 12;
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

export function allocFloat32(n: number): Float32Array {
  const bytes = n * 4;
  if (bytes <= SMALL_BYTES) {
    const [buf, at] = carve(bytes);
    return new Float32Array(buf, at, n);
  }
  return new Float32Array(n);
}

export function allocArray(dtype: DType, n: number): AnyArray {
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
