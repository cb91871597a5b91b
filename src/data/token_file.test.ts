import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { LmkitError } from '../errors.js';
import { readTokenFile, writeTokenFile } from './token_file.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-tokfile-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('token files: uint16 for small vocabularies, uint32 above 65535, header checked', () => {
  const small = path.join(tmp, 'small.bin');
  assert.equal(writeTokenFile(small, [0, 1, 65534, 7], 65535), 2);
  assert.equal(fs.statSync(small).size, 16 + 4 * 2);
  const a = readTokenFile(small);
  assert.ok(a instanceof Uint16Array);
  assert.deepEqual([...a], [0, 1, 65534, 7]);

  const big = path.join(tmp, 'big.bin');
  assert.equal(writeTokenFile(big, new Uint32Array([70000, 3]), 100000), 4);
  const b = readTokenFile(big);
  assert.ok(b instanceof Uint32Array);
  assert.deepEqual([...b], [70000, 3]);

  assert.throws(() => writeTokenFile(path.join(tmp, 'x.bin'), [5], 5), /id 5 at position 0 is outside the vocabulary/);
  const bytes = fs.readFileSync(small);
  const corrupt = (name: string, mutate: (buf: Buffer) => Buffer, pattern: RegExp) => {
    const p = path.join(tmp, name);
    fs.writeFileSync(p, mutate(Buffer.from(bytes)));
    assert.throws(() => readTokenFile(p), (e: unknown) => e instanceof LmkitError && pattern.test(e.message));
  };
  corrupt('magic.bin', (b) => (b.write('NOPE', 0, 'latin1'), b), /magic: expected "LMTK", got "NOPE"/);
  corrupt('version.bin', (b) => (b.writeUInt16LE(9, 4), b), /version: expected 1, got 9/);
  corrupt('dtype.bin', (b) => (b.writeUInt16LE(3, 6), b), /dtype: expected 2 \(uint16\) or 4 \(uint32\)/);
  corrupt('short.bin', (b) => b.subarray(0, 18), /count: header says 4 tokens \(24 bytes\), file has 18 bytes/);
});
