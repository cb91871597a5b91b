import { fail } from '../errors.js';
import type { AnyArray, DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { DTYPE_BITS, INTEGER_RANGE, type SafetensorsDType } from './dtypes.js';
import { LITTLE_ENDIAN } from './endian.js';
import { preview } from './preview.js';
import { float32BitsToBfloat16, float32BitsToFloat16 } from './float-convert.js';

const CHUNK_BYTES = 1 << 20;

/** The stored type of each lmkit dtype unless told otherwise. */
export const DEFAULT_STORED: Record<DType, SafetensorsDType> = { float32: 'F32', float64: 'F64', int32: 'I32', bool: 'BOOL' };

const ALLOWED: Record<DType, readonly SafetensorsDType[]> = {
  float32: ['F32', 'F64', 'F16', 'BF16'],
  float64: ['F64', 'F32', 'F16', 'BF16'],
  int32: ['I32', 'I64', 'I16', 'I8', 'U8', 'U16', 'U32', 'U64'],
  bool: ['BOOL', 'U8'],
};

export function checkStoredType(name: string, dtype: DType, stored: SafetensorsDType): void {
  if (!ALLOWED[dtype].includes(stored)) {
    fail('InvalidArgument', `saveSafetensors: tensor ${preview(name)} is ${dtype}, which can be stored as ${ALLOWED[dtype].join(', ')}, got ${stored}`);
  }
}

export function storedByteLength(t: Tensor, stored: SafetensorsDType): number {
  return (t.size * DTYPE_BITS[stored]) / 8;
}

const scratchF32 = new Float32Array(1);
const scratchU32 = new Uint32Array(scratchF32.buffer);

function floatBits(v: number): number {
  scratchF32[0] = v; // float64 → float32 rounds to nearest even; a second rounding to 16 bits stays exact (24 ≥ 2·11 + 2)
  return scratchU32[0];
}

/** Writes `count` elements of `src` from `at` into `dst` (8-byte aligned) as `stored`. */
function encodeChunk(src: AnyArray, at: number, count: number, dst: Uint8Array, stored: SafetensorsDType, name: string): void {
  const buf = dst.buffer;
  const off = dst.byteOffset;
  const part = src.subarray(at, at + count);
  switch (stored) {
    case 'F32':
      new Float32Array(buf, off, count).set(part);
      return;
    case 'F64':
      new Float64Array(buf, off, count).set(part);
      return;
    case 'I32':
      new Int32Array(buf, off, count).set(part);
      return;
    case 'BOOL':
      for (let i = 0; i < count; i++) dst[i] = part[i] ? 1 : 0;
      return;
    case 'F16':
    case 'BF16': {
      const h = new Uint16Array(buf, off, count);
      const encode = stored === 'F16' ? float32BitsToFloat16 : float32BitsToBfloat16;
      if (part instanceof Float32Array) {
        const bits = new Uint32Array(part.buffer, part.byteOffset, count);
        for (let i = 0; i < count; i++) h[i] = encode(bits[i]);
      } else {
        for (let i = 0; i < count; i++) h[i] = encode(floatBits(part[i]));
      }
      return;
    }
    case 'I64':
    case 'U64': {
      const w = new Int32Array(buf, off, count * 2);
      for (let i = 0; i < count; i++) {
        const v = part[i];
        if (stored === 'U64' && v < 0) rangeError(name, stored, at + i, v);
        w[2 * i] = v;
        w[2 * i + 1] = v < 0 ? -1 : 0;
      }
      return;
    }
    default: {
      const [lo, hi] = INTEGER_RANGE[stored]!;
      const view =
        stored === 'I16' ? new Int16Array(buf, off, count)
        : stored === 'U16' ? new Uint16Array(buf, off, count)
        : stored === 'I8' ? new Int8Array(buf, off, count)
        : stored === 'U8' ? new Uint8Array(buf, off, count)
        : new Uint32Array(buf, off, count);
      for (let i = 0; i < count; i++) {
        const v = part[i];
        if (v < lo || v > hi) rangeError(name, stored, at + i, v);
        view[i] = v;
      }
    }
  }
}

function rangeError(name: string, stored: SafetensorsDType, index: number, v: number): never {
  const [lo, hi] = INTEGER_RANGE[stored]!;
  fail('InvalidArgument', `saveSafetensors: tensor ${preview(name)} holds ${v} at element ${index}, outside the ${stored} range [${lo}, ${hi}]`);
}

/**
 * Emits the stored bytes of `t` as `stored` through `write`, in pieces of at most about 1 MiB (a tensor
 * already in its stored layout is emitted as one view of its storage, without copying).
 */
export function encodeTensor(t: Tensor, stored: SafetensorsDType, name: string, write: (bytes: Uint8Array) => void): void {
  if (!LITTLE_ENDIAN) fail('Unsupported', 'safetensors: big-endian hosts are not supported');
  const data = t.dense();
  const n = t.size;
  if (n === 0) return;
  if (stored === DEFAULT_STORED[t.dtype] && t.dtype !== 'bool') {
    write(new Uint8Array(data.buffer, data.byteOffset, n * data.BYTES_PER_ELEMENT));
    return;
  }
  const elemBytes = DTYPE_BITS[stored] / 8;
  const chunkElems = Math.max(1, Math.floor(CHUNK_BYTES / elemBytes));
  const scratch = new Uint8Array(Math.min(n, chunkElems) * elemBytes);
  for (let at = 0; at < n; at += chunkElems) {
    const count = Math.min(chunkElems, n - at);
    const piece = scratch.subarray(0, count * elemBytes);
    encodeChunk(data, at, count, piece, stored, name);
    write(piece);
  }
}
