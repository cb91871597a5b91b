import fs from 'node:fs';
import { fail } from '../errors.js';

/** A stream of token ids in the narrowest type that holds the vocabulary. */
export type TokenArray = Uint16Array | Uint32Array;

const MAGIC = 'LMTK';
const VERSION = 1;
const HEADER_BYTES = 16;

/**
 * Writes token ids as a binary file: a 16-byte header (magic "LMTK", uint16 version 1, uint16 bytes per
 * token 2 or 4, uint64 count; little-endian) followed by the ids as uint16 (vocabulary ≤ 65535) or
 * uint32. Returns the bytes per token used.
 */
export function writeTokenFile(file: string, ids: ArrayLike<number>, vocabSize: number): 2 | 4 {
  const width = vocabSize <= 65535 ? 2 : 4;
  const body = width === 2 ? new Uint16Array(ids.length) : new Uint32Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!(id >= 0 && id < vocabSize)) fail('InvalidArgument', `writeTokenFile(${file}): id ${id} at position ${i} is outside the vocabulary (expected 0 ≤ id < ${vocabSize})`);
    body[i] = id;
  }
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(MAGIC, 0, 'latin1');
  header.writeUInt16LE(VERSION, 4);
  header.writeUInt16LE(width, 6);
  header.writeBigUInt64LE(BigInt(ids.length), 8);
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, header);
    fs.writeSync(fd, new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
  } finally {
    fs.closeSync(fd);
  }
  return width;
}

/** Reads a file written by `writeTokenFile` (checks magic, version, width and length). */
export function readTokenFile(file: string): TokenArray {
  const buf = fs.readFileSync(file);
  if (buf.length < HEADER_BYTES) fail('InvalidFile', `${file}: expected a ${HEADER_BYTES}-byte token-file header, got ${buf.length} bytes`);
  const magic = buf.toString('latin1', 0, 4);
  if (magic !== MAGIC) fail('InvalidFile', `${file}: magic: expected "${MAGIC}", got ${JSON.stringify(magic)}`);
  const version = buf.readUInt16LE(4);
  if (version !== VERSION) fail('InvalidFile', `${file}: version: expected ${VERSION}, got ${version}`);
  const width = buf.readUInt16LE(6);
  if (width !== 2 && width !== 4) fail('InvalidFile', `${file}: dtype: expected 2 (uint16) or 4 (uint32) bytes per token, got ${width}`);
  const count = Number(buf.readBigUInt64LE(8));
  const expected = HEADER_BYTES + count * width;
  if (buf.length !== expected) fail('InvalidFile', `${file}: count: header says ${count} tokens (${expected} bytes), file has ${buf.length} bytes`);
  const body = new Uint8Array(count * width);
  body.set(buf.subarray(HEADER_BYTES));
  return width === 2 ? new Uint16Array(body.buffer) : new Uint32Array(body.buffer);
}
