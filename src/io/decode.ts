import { fail } from '../errors.js';
import { allocArray } from '../tensor/alloc.js';
import type { AnyArray, DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { isReadable, type SafetensorsDType } from './dtypes.js';
import { LITTLE_ENDIAN } from './endian.js';
import { float16Table, float8E4M3Table, float8E5M2Table, float8E8M0Table } from './float-convert.js';
import { preview } from './preview.js';
import type { SafetensorsTensorInfo } from './safetensors-header.js';

/** Reads exactly `into.length` bytes starting at `position` of the data section. */
export type ByteReader = (into: Uint8Array, position: number) => void;

/** Bytes converted per step when a tensor's stored type differs from its lmkit type. */
const CHUNK_BYTES = 1 << 20;

/** The lmkit dtype a stored dtype loads as. */
export function loadedDType(dtype: SafetensorsDType, float64: boolean): DType {
  switch (dtype) {
    case 'BOOL':
      return 'bool';
    case 'F64':
      return float64 ? 'float64' : 'float32';
    case 'F32':
    case 'F16':
    case 'BF16':
    case 'F8_E5M2':
    case 'F8_E4M3':
    case 'F8_E8M0':
      return 'float32';
    default:
      return 'int32';
  }
}

function isVerbatim(stored: SafetensorsDType, dtype: DType): boolean {
  return (
    (stored === 'F32' && dtype === 'float32') ||
    (stored === 'F64' && dtype === 'float64') ||
    (stored === 'I32' && dtype === 'int32') ||
    (stored === 'BOOL' && dtype === 'bool')
  );
}

function outOfRange(source: string, info: SafetensorsTensorInfo, index: number, value: bigint | number): never {
  fail(
    'Unsupported',
    `${source}: tensor ${preview(info.name)} (${info.dtype}) holds ${value} at element ${index}, outside the int32 range [-2147483648, 2147483647] that lmkit integer tensors use`,
  );
}

/**
 * Converts `count` elements of the stored type from `src` (8-byte aligned) into `out` from index `at`.
 */
function convertChunk(src: Uint8Array, count: number, out: AnyArray, at: number, info: SafetensorsTensorInfo, source: string): void {
  const buf = src.buffer;
  const off = src.byteOffset;
  switch (info.dtype) {
    case 'F16': {
      const table = float16Table();
      const h = new Uint16Array(buf, off, count);
      for (let i = 0; i < count; i++) out[at + i] = table[h[i]];
      return;
    }
    case 'BF16': {
      const h = new Uint16Array(buf, off, count);
      const o = new Uint32Array(out.buffer, out.byteOffset + at * 4, count);
      for (let i = 0; i < count; i++) o[i] = h[i] << 16;
      return;
    }
    case 'F8_E5M2':
    case 'F8_E4M3':
    case 'F8_E8M0': {
      const table = info.dtype === 'F8_E5M2' ? float8E5M2Table() : info.dtype === 'F8_E4M3' ? float8E4M3Table() : float8E8M0Table();
      for (let i = 0; i < count; i++) out[at + i] = table[src[i]];
      return;
    }
    case 'F32':
      out.set(new Float32Array(buf, off, count), at);
      return;
    case 'F64':
      out.set(new Float64Array(buf, off, count), at);
      return;
    case 'BOOL':
      for (let i = 0; i < count; i++) out[at + i] = src[i] ? 1 : 0;
      return;
    case 'U8':
    case 'I32':
      out.set(info.dtype === 'U8' ? src.subarray(0, count) : new Int32Array(buf, off, count), at);
      return;
    case 'I8':
      out.set(new Int8Array(buf, off, count), at);
      return;
    case 'I16':
      out.set(new Int16Array(buf, off, count), at);
      return;
    case 'U16':
      out.set(new Uint16Array(buf, off, count), at);
      return;
    case 'U32': {
      const u = new Uint32Array(buf, off, count);
      for (let i = 0; i < count; i++) {
        if (u[i] > 0x7fffffff) outOfRange(source, info, at + i, u[i]);
        out[at + i] = u[i];
      }
      return;
    }
    case 'I64':
    case 'U64': {
      const w = new Int32Array(buf, off, count * 2);
      const unsigned = info.dtype === 'U64';
      for (let i = 0; i < count; i++) {
        const lo = w[2 * i];
        const hi = w[2 * i + 1];
        if (unsigned ? hi !== 0 || lo < 0 : hi !== lo >> 31) {
          const value = (BigInt(unsigned ? hi >>> 0 : hi) << 32n) | BigInt(lo >>> 0);
          outOfRange(source, info, at + i, value);
        }
        out[at + i] = lo;
      }
      return;
    }
    default:
      fail('Unsupported', `${source}: tensor ${preview(info.name)} has dtype ${info.dtype}, which lmkit cannot load`);
  }
}

/**
 * Builds the tensor `info` describes, reading its bytes with `read`. Stored types that match the lmkit
 * type are read straight into the tensor's storage; others are converted a chunk at a time, so memory
 * never holds more than the tensor plus one chunk.
 */
export function readTensor(info: SafetensorsTensorInfo, read: ByteReader, opts: { float64?: boolean; source: string }): Tensor {
  const { source } = opts;
  if (!isReadable(info.dtype)) {
    fail('Unsupported', `${source}: tensor ${preview(info.name)} has unsupported dtype ${info.dtype} (lmkit reads BOOL, integers, F16, BF16, F32, F64 and F8_E4M3/F8_E5M2/F8_E8M0)`);
  }
  if (!LITTLE_ENDIAN) fail('Unsupported', 'safetensors: big-endian hosts are not supported');
  const dtype = loadedDType(info.dtype, opts.float64 ?? false);
  const [begin, end] = info.dataOffsets;
  const nbytes = end - begin;
  let n = 1;
  for (const d of info.shape) n *= d;
  let out: AnyArray;
  try {
    out = allocArray(dtype, n);
  } catch (e) {
    fail('Unsupported', `${source}: tensor ${preview(info.name)} with ${n} elements is too large to hold in memory (${(e as Error).message})`);
  }
  if (nbytes > 0) {
    if (isVerbatim(info.dtype, dtype)) {
      read(new Uint8Array(out.buffer, out.byteOffset, nbytes), begin);
      if (dtype === 'bool') for (let i = 0; i < n; i++) if (out[i] > 1) out[i] = 1;
    } else {
      const elemBytes = nbytes / n;
      const chunkElems = Math.max(1, Math.floor(CHUNK_BYTES / elemBytes));
      const scratch = new Uint8Array(Math.min(nbytes, chunkElems * elemBytes));
      for (let at = 0; at < n; at += chunkElems) {
        const count = Math.min(chunkElems, n - at);
        const piece = scratch.subarray(0, count * elemBytes);
        read(piece, begin + at * elemBytes);
        convertChunk(piece, count, out, at, info, source);
      }
    }
  }
  return new Tensor(out, info.shape.slice(), dtype);
}
