import fs from 'node:fs';
import { fail } from '../errors.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { MAX_IO_BYTES, writeAll, writeFileAtomic } from './atomic.js';
import { readTensor, type ByteReader } from './decode.js';
import { dtypeOrder, type SafetensorsDType } from './dtypes.js';
import { checkStoredType, DEFAULT_STORED, encodeTensor, storedByteLength } from './encode.js';
import { checkHeaderLength, parseHeader, type SafetensorsHeader } from './safetensors-header.js';

export type { SafetensorsDType } from './dtypes.js';
export type { SafetensorsHeader, SafetensorsTensorInfo } from './safetensors-header.js';

/** The tensors of a safetensors file by name, and its `__metadata__` strings. */
export interface SafetensorsFile {
  tensors: Map<string, Tensor>;
  metadata: Record<string, string>;
}

export interface LoadOptions {
  /** Load F64 tensors as float64 instead of rounding them to float32. Default false. */
  float64?: boolean;
}

export interface SaveOptions {
  /**
   * Stored types, by tensor name or by lmkit dtype (a name wins), e.g. `{ input_ids: 'I64' }` or
   * `{ float32: 'BF16' }`. Defaults: float32 → F32, float64 → F64, int32 → I32, bool → BOOL.
   * Floats can be stored as F32, F64, F16 or BF16 (rounded to nearest even); int32 as any integer
   * type whose range holds the values; bool as BOOL or U8.
   */
  dtypes?: Record<string, SafetensorsDType>;
}

function fileReader(fd: number, dataStart: number, source: string): ByteReader {
  return (into, position) => {
    let done = 0;
    while (done < into.length) {
      const got = fs.readSync(fd, into, done, Math.min(into.length - done, MAX_IO_BYTES), dataStart + position + done);
      if (got === 0) fail('InvalidFile', `${source}: file ended early (was it truncated while being read?)`);
      done += got;
    }
  };
}

function readHeaderFromFd(fd: number, source: string): SafetensorsHeader {
  const fileSize = fs.fstatSync(fd).size;
  const prefix = new Uint8Array(8);
  const got = fileSize >= 8 ? fs.readSync(fd, prefix, 0, 8, 0) : 0;
  const n = checkHeaderLength(prefix.subarray(0, got), fileSize, source);
  const headerBytes = new Uint8Array(n);
  fileReader(fd, 8, source)(headerBytes, 0);
  return parseHeader(headerBytes, fileSize, source);
}

/**
 * The validated header of a safetensors file: each tensor's name, dtype, shape and data offsets (in
 * storage order) and the metadata, without reading the tensor data.
 */
export function readSafetensorsHeader(path: string): SafetensorsHeader {
  const fd = fs.openSync(path, 'r');
  try {
    return readHeaderFromFd(fd, path);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Loads every tensor of a safetensors file. F16, BF16 and F8 load as float32; F64 as float32 (float64
 * with `float64: true`); integer types as int32 (values outside its range are an error); BOOL as bool.
 * The header is validated before anything is allocated, and each tensor's bytes are read straight into
 * its storage (or converted a chunk at a time), so the file is never held in memory twice.
 *
 * @throws LmkitError 'InvalidFile' for a malformed file, 'Unsupported' for a dtype or value lmkit cannot hold.
 *
 * @example
 * ```ts
 * saveSafetensors('/tmp/tiny.safetensors', { w: tensor([[1, 2], [3, 4]]), ids: tensor([5], { dtype: 'int32' }) },
 *   { format: 'pt' }, { dtypes: { ids: 'I64' } });
 * const { tensors, metadata } = loadSafetensors('/tmp/tiny.safetensors');
 * tensors.get('w')!.shape; // [2, 2]
 * tensors.get('ids')!.dtype; // 'int32' (stored as I64)
 * metadata.format; // 'pt'
 * ```
 */
export function loadSafetensors(path: string, opts?: LoadOptions): SafetensorsFile {
  const fd = fs.openSync(path, 'r');
  try {
    const header = readHeaderFromFd(fd, path);
    const read = fileReader(fd, header.dataStart, path);
    const tensors = new Map<string, Tensor>();
    for (const info of header.tensors) tensors.set(info.name, readTensor(info, read, { float64: opts?.float64, source: path }));
    return { tensors, metadata: header.metadata };
  } finally {
    fs.closeSync(fd);
  }
}

/** Like {@link loadSafetensors}, from the bytes of a file; `source` names it in errors. */
export function parseSafetensors(bytes: Uint8Array, opts?: LoadOptions & { source?: string }): SafetensorsFile {
  const source = opts?.source ?? '<safetensors bytes>';
  const n = checkHeaderLength(bytes, bytes.length, source);
  const header = parseHeader(bytes.subarray(8, 8 + n), bytes.length, source);
  const read: ByteReader = (into, position) => into.set(bytes.subarray(header.dataStart + position, header.dataStart + position + into.length));
  const tensors = new Map<string, Tensor>();
  for (const info of header.tensors) tensors.set(info.name, readTensor(info, read, { float64: opts?.float64, source }));
  return { tensors, metadata: header.metadata };
}

interface PlannedTensor {
  name: string;
  tensor: Tensor;
  stored: SafetensorsDType;
  nbytes: number;
}

const utf8 = new TextEncoder();

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Stored types, offsets and the padded header bytes, laid out as the reference writer does. */
function plan(
  tensors: Map<string, Tensor> | Record<string, Tensor>,
  metadata: Record<string, string> | undefined,
  opts: SaveOptions | undefined,
): { header: Uint8Array; items: PlannedTensor[]; dataBytes: number } {
  const entries = tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors);
  const items: PlannedTensor[] = entries.map(([name, tensor]) => {
    if (name === '__metadata__') fail('InvalidArgument', 'saveSafetensors: "__metadata__" is reserved and cannot name a tensor');
    if (!(tensor instanceof Tensor)) fail('InvalidArgument', `saveSafetensors: "${name}" is not a Tensor`);
    const chosen = opts?.dtypes ?? {};
    const stored = Object.hasOwn(chosen, name) ? chosen[name] : Object.hasOwn(chosen, tensor.dtype) ? chosen[tensor.dtype as DType] : DEFAULT_STORED[tensor.dtype];
    checkStoredType(name, tensor.dtype, stored);
    return { name, tensor, stored, nbytes: storedByteLength(tensor, stored) };
  });
  // Descending alignment, then name: every tensor then starts at a multiple of its element size.
  items.sort((a, b) => dtypeOrder(b.stored) - dtypeOrder(a.stored) || compareUtf8(a.name, b.name));

  const parts: string[] = [];
  if (metadata && Object.keys(metadata).length > 0) {
    const keys = Object.keys(metadata).sort(compareUtf8);
    for (const k of keys) {
      if (typeof metadata[k] !== 'string') fail('InvalidArgument', `saveSafetensors: metadata "${k}" must be a string, got ${typeof metadata[k]}`);
    }
    parts.push(`"__metadata__":{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`);
  }
  let offset = 0;
  for (const it of items) {
    const info = `{"dtype":"${it.stored}","shape":[${it.tensor.shape.join(',')}],"data_offsets":[${offset},${offset + it.nbytes}]}`;
    parts.push(`${JSON.stringify(it.name)}:${info}`);
    offset += it.nbytes;
  }
  const json = utf8.encode(`{${parts.join(',')}}`);
  const padded = Math.ceil(json.length / 8) * 8;
  const header = new Uint8Array(8 + padded).fill(0x20, 8 + json.length);
  new DataView(header.buffer).setBigUint64(0, BigInt(padded), true);
  header.set(json, 8);
  return { header, items, dataBytes: offset };
}

/** The bytes of a safetensors file holding `tensors` (see {@link saveSafetensors}). */
export function serializeSafetensors(
  tensors: Map<string, Tensor> | Record<string, Tensor>,
  metadata?: Record<string, string>,
  opts?: SaveOptions,
): Uint8Array {
  const { header, items, dataBytes } = plan(tensors, metadata, opts);
  const out = new Uint8Array(header.length + dataBytes);
  out.set(header, 0);
  let at = header.length;
  for (const it of items) {
    encodeTensor(it.tensor, it.stored, it.name, (bytes) => {
      out.set(bytes, at);
      at += bytes.length;
    });
  }
  return out;
}

/**
 * Writes `tensors` (and optional string `metadata`) as a safetensors file, atomically: into a temporary
 * file in the same directory, fsynced, then renamed over `path`. Tensors are laid out as the reference
 * implementation does (descending dtype alignment, then name; header padded with spaces to 8 bytes),
 * and streamed to disk a tensor (or 1 MiB chunk) at a time.
 *
 * @param opts.dtypes stored types by tensor name or lmkit dtype, e.g. `{ input_ids: 'I64' }`.
 */
export function saveSafetensors(
  path: string,
  tensors: Map<string, Tensor> | Record<string, Tensor>,
  metadata?: Record<string, string>,
  opts?: SaveOptions,
): void {
  const { header, items } = plan(tensors, metadata, opts);
  writeFileAtomic(path, (fd) => {
    writeAll(fd, header);
    for (const it of items) encodeTensor(it.tensor, it.stored, it.name, (bytes) => writeAll(fd, bytes));
  });
}
