import { fail } from '../errors.js';
import { DTYPE_BITS, isSafetensorsDType, type SafetensorsDType } from './dtypes.js';
import { preview } from './preview.js';

/** The reference implementation refuses headers above 100 MB. */
export const MAX_HEADER_BYTES = 100_000_000;

/** One tensor as the header declares it; offsets are relative to the start of the data section. */
export interface SafetensorsTensorInfo {
  name: string;
  dtype: SafetensorsDType;
  shape: number[];
  dataOffsets: [number, number];
}

/** A validated header: tensors in storage order (by offset), metadata, and where the data starts. */
export interface SafetensorsHeader {
  tensors: SafetensorsTensorInfo[];
  metadata: Record<string, string>;
  /** N, the JSON header's length in bytes. */
  headerLength: number;
  /** 8 + N: the file offset of the data section. */
  dataStart: number;
  fileSize: number;
}

function invalid(source: string, problem: string): never {
  fail('InvalidFile', `${source}: ${problem}`);
}

/**
 * Reads N from the first 8 bytes and checks it against the file size, before anything of size N is
 * allocated. Returns N.
 */
export function checkHeaderLength(prefix: Uint8Array, fileSize: number, source: string): number {
  if (fileSize < 8 || prefix.length < 8) invalid(source, `not a safetensors file: expected at least 8 bytes, got ${fileSize}`);
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const n = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (n > MAX_HEADER_BYTES) invalid(source, `header length ${n} exceeds the limit of ${MAX_HEADER_BYTES} bytes`);
  if (8 + n > fileSize) invalid(source, `header length ${n} runs past the end of the file (8 + ${n} > ${fileSize} bytes)`);
  return n;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isSize(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function parseEntry(name: string, raw: unknown, source: string): SafetensorsTensorInfo {
  const where = `tensor ${preview(name)}`;
  if (!isPlainObject(raw)) invalid(source, `${where}: expected an object with dtype, shape and data_offsets, got ${preview(raw)}`);
  const { dtype, shape, data_offsets: offsets } = raw;
  if (!isSafetensorsDType(dtype)) invalid(source, `${where}: unknown dtype ${preview(dtype)}`);
  if (!Array.isArray(shape) || !shape.every(isSize)) {
    invalid(source, `${where}: shape must be a list of non-negative integers, got ${preview(shape)}`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isSize)) {
    invalid(source, `${where}: data_offsets must be [begin, end] with non-negative integers, got ${preview(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) invalid(source, `${where}: data_offsets [${begin}, ${end}] has begin > end`);
  // BigInt: the product of safe integers can exceed 2^53 and must not wrap or round.
  let bits = BigInt(DTYPE_BITS[dtype]);
  for (const d of shape as number[]) bits *= BigInt(d);
  if (bits % 8n !== 0n) invalid(source, `${where}: ${bits} bits of ${dtype} do not fill whole bytes`);
  const bytes = bits / 8n;
  if (bytes !== BigInt(end - begin)) {
    invalid(source, `${where}: shape [${(shape as number[]).join(', ')}] of ${dtype} needs ${bytes} bytes, but data_offsets [${begin}, ${end}] span ${end - begin}`);
  }
  return { name, dtype, shape: (shape as number[]).slice(), dataOffsets: [begin, end] };
}

/**
 * Parses and validates the JSON header (its N bytes) of a file of `fileSize` bytes. Every failure is an
 * LmkitError('InvalidFile') naming `source` and, when it concerns one, the tensor.
 */
export function parseHeader(headerBytes: Uint8Array, fileSize: number, source: string): SafetensorsHeader {
  const headerLength = headerBytes.length;
  let text: string;
  try {
    text = utf8.decode(headerBytes);
  } catch {
    invalid(source, 'header is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    invalid(source, `header is not valid JSON (${(e as Error).message.replace(/\s+/g, ' ').slice(0, 160)})`);
  }
  if (!isPlainObject(json)) invalid(source, `header must be a JSON object, got ${Array.isArray(json) ? 'an array' : preview(json)}`);

  let metadata: Record<string, string> = {};
  const tensors: SafetensorsTensorInfo[] = [];
  for (const [key, value] of Object.entries(json)) {
    if (key === '__metadata__') {
      if (!isPlainObject(value)) invalid(source, `__metadata__ must be an object of strings, got ${preview(value)}`);
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') invalid(source, `__metadata__ value for ${preview(k)} must be a string, got ${preview(v)}`);
      }
      metadata = Object.fromEntries(Object.entries(value)) as Record<string, string>;
    } else {
      tensors.push(parseEntry(key, value, source));
    }
  }

  tensors.sort((a, b) => a.dataOffsets[0] - b.dataOffsets[0] || a.dataOffsets[1] - b.dataOffsets[1]);
  const dataStart = 8 + headerLength;
  const dataSize = fileSize - dataStart;
  let at = 0;
  for (const t of tensors) {
    const [begin, end] = t.dataOffsets;
    if (begin < at) invalid(source, `tensor ${preview(t.name)}: data_offsets [${begin}, ${end}] overlap the previous tensor, which ends at ${at}`);
    if (begin > at) invalid(source, `tensor ${preview(t.name)}: data_offsets [${begin}, ${end}] leave a gap of ${begin - at} bytes after offset ${at}`);
    at = end;
  }
  if (at !== dataSize) {
    invalid(source, `tensors cover ${at} bytes of data, but the file holds ${dataSize} bytes after the header (data must end exactly at the end of the file)`);
  }
  return { tensors, metadata, headerLength, dataStart, fileSize };
}
