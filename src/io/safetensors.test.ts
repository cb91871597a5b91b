import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LmkitError } from '../errors.js';
import { tensor } from '../tensor/create.js';
import { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { sharedDir, SHARED_MISSING } from '../testing/shared.js';
import { float16BitsToNumber, float32BitsToBfloat16, float32BitsToFloat16 } from './float-convert.js';
import { loadSafetensors, parseSafetensors, readSafetensorsHeader, saveSafetensors, serializeSafetensors } from './safetensors.js';

const SHARED = sharedDir();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-st-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

/** A file from a header (object or raw text) and data bytes; `n` overrides the length prefix. */
function file(header: unknown, data: ArrayLike<number> = [], n?: number): Uint8Array {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(n ?? json.length), true);
  out.set(json, 8);
  out.set(Array.from(data), 8 + json.length);
  return out;
}

function rejects(bytes: Uint8Array, ...fragments: (string | RegExp)[]): void {
  assert.throws(
    () => parseSafetensors(bytes, { source: 'bad.safetensors' }),
    (e: unknown) => {
      assert.ok(e instanceof LmkitError, `expected LmkitError, got ${String(e)}`);
      assert.equal(e.code, 'InvalidFile');
      assert.match(e.message, /^bad\.safetensors: /);
      for (const f of fragments) assert.match(e.message, typeof f === 'string' ? new RegExp(f.replace(/[[\]().*+?^$|\\]/g, '\\$&')) : f);
      return true;
    },
  );
}

const f32 = (name: string, shape: number[], begin: number, end: number) => ({ [name]: { dtype: 'F32', shape, data_offsets: [begin, end] } });

test('rejects a file shorter than 8 bytes', () => {
  rejects(new Uint8Array([1, 0, 0]), 'at least 8 bytes, got 3');
  rejects(new Uint8Array(0), 'at least 8 bytes, got 0');
});

test('rejects a header length above 100,000,000', () => {
  rejects(file({}, [], 100_000_001), 'header length 100000001 exceeds the limit');
  const huge = new Uint8Array(16).fill(0xff);
  rejects(huge, 'exceeds the limit');
});

test('rejects a header that runs past the end of the file', () => {
  rejects(file({}, [], 50), 'header length 50 runs past the end of the file');
});

test('rejects a header that is not UTF-8', () => {
  const bytes = file('{"a":1}');
  bytes[10] = 0xff;
  rejects(bytes, 'not valid UTF-8');
});

test('rejects a header that is not JSON, or not a JSON object', () => {
  rejects(file('{"a": '), 'not valid JSON');
  rejects(file('[1,2]'), 'must be a JSON object, got an array');
  rejects(file('null'), 'must be a JSON object, got null');
  rejects(file('\ufeff{}'), 'not valid JSON');
});

test('rejects __metadata__ that is not an object of strings', () => {
  rejects(file({ __metadata__: ['x'] }), '__metadata__ must be an object');
  rejects(file({ __metadata__: { format: 1 } }), '__metadata__ value for "format" must be a string, got 1');
});

test('rejects a tensor entry that is not an object', () => {
  rejects(file({ w: [1, 2] }), 'tensor "w": expected an object');
});

test('rejects an unknown dtype', () => {
  rejects(file({ w: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } }, new Uint8Array(16)), 'tensor "w": unknown dtype "F128"');
});

test('rejects a shape that is not a list of non-negative integers', () => {
  rejects(file(f32('w', [-1], 0, 0)), 'tensor "w": shape must be a list of non-negative integers, got [-1]');
  rejects(file(f32('w', [1.5], 0, 0)), 'shape must be');
  rejects(file({ w: { dtype: 'F32', shape: '2', data_offsets: [0, 8] } }), 'shape must be');
  rejects(file({ w: { dtype: 'F32', shape: [2 ** 53], data_offsets: [0, 8] } }), 'shape must be');
});

test('rejects data_offsets that are not [begin, end] with begin <= end', () => {
  rejects(file({ w: { dtype: 'F32', shape: [1], data_offsets: [0, 4, 8] } }), 'tensor "w": data_offsets must be [begin, end]');
  rejects(file({ w: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }), 'data_offsets must be');
  rejects(file({ w: { dtype: 'F32', shape: [1], data_offsets: [8, 4] } }), 'tensor "w": data_offsets [8, 4] has begin > end');
});

test('rejects a byte size that does not match shape x dtype', () => {
  rejects(file(f32('w', [2, 3], 0, 20), new Uint8Array(20)), 'tensor "w": shape [2, 3] of F32 needs 24 bytes, but data_offsets [0, 20] span 20');
});

test('rejects a shape whose byte size overflows, without allocating it', () => {
  const shape = [2 ** 40, 2 ** 40, 2 ** 40];
  rejects(file(f32('w', shape, 0, 8), new Uint8Array(8)), 'needs 5316911983139663491615228241121378304 bytes' /* 2^122 */);
});

test('rejects sub-byte tensors that do not fill whole bytes', () => {
  rejects(file({ w: { dtype: 'F4', shape: [3], data_offsets: [0, 1] } }, [0]), 'tensor "w": 12 bits of F4 do not fill whole bytes');
});

test('rejects overlapping tensors', () => {
  const h = { ...f32('a', [2], 0, 8), ...f32('b', [2], 4, 12) };
  rejects(file(h, new Uint8Array(12)), 'tensor "b": data_offsets [4, 12] overlap the previous tensor, which ends at 8');
});

test('rejects a hole between tensors', () => {
  const h = { ...f32('a', [1], 0, 4), ...f32('b', [1], 8, 12) };
  rejects(file(h, new Uint8Array(12)), 'tensor "b": data_offsets [8, 12] leave a gap of 4 bytes after offset 4');
  rejects(file(f32('a', [1], 4, 8), new Uint8Array(8)), 'tensor "a"', 'gap of 4 bytes after offset 0');
});

test('rejects data that does not end exactly at the end of the file', () => {
  rejects(file(f32('a', [2], 0, 8), new Uint8Array(12)), 'tensors cover 8 bytes of data, but the file holds 12');
  rejects(file(f32('a', [2], 0, 8), new Uint8Array(4)), 'tensors cover 8 bytes of data, but the file holds 4');
  // A header claiming far more data than the file has fails before anything is allocated.
  rejects(file(f32('a', [1e9], 0, 4e9), new Uint8Array(4)), 'tensors cover 4000000000 bytes');
});

test('accepts zero-size tensors anywhere, empty files and unpadded headers', () => {
  const h = { ...f32('a', [1], 0, 4), ...f32('e', [0, 3], 4, 4), ...f32('b', [1], 4, 8), ...f32('z', [5, 0], 8, 8) };
  const data = new Uint8Array(new Float32Array([1.5, -2]).buffer);
  const out = parseSafetensors(file(h, data));
  assert.deepEqual(out.tensors.get('a')!.tolist(), [1.5]);
  assert.deepEqual(out.tensors.get('b')!.tolist(), [-2]);
  assert.deepEqual(out.tensors.get('e')!.shape, [0, 3]);
  assert.deepEqual(out.tensors.get('z')!.shape, [5, 0]);
  assert.equal(parseSafetensors(file({})).tensors.size, 0);
});

test('load errors name the file path', () => {
  const p = path.join(tmp, 'truncated.safetensors');
  fs.writeFileSync(p, file(f32('a', [2], 0, 8), new Uint8Array(4)));
  assert.throws(() => loadSafetensors(p), (e: unknown) => e instanceof LmkitError && e.code === 'InvalidFile' && e.message.startsWith(`${p}: `));
  assert.throws(() => readSafetensorsHeader(p), (e: unknown) => e instanceof LmkitError && e.message.includes('tensors cover 8 bytes'));
});

// Byte-exact vectors from the reference implementation's own tests (safetensors/src/tensor.rs).
test('serializes byte for byte like the reference implementation', () => {
  const x = tensor(new Float32Array([0, 1, 2, 3, 4, 5]), { shape: [1, 2, 3] });
  const out = serializeSafetensors({ 'attn.0': x });
  const header = '{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}';
  assert.equal(header.length, 64);
  assert.deepEqual(Array.from(out.subarray(0, 8)), [64, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(Buffer.from(out.subarray(8, 72)).toString(), header);
  assert.deepEqual(Array.from(out.subarray(72)), Array.from(new Uint8Array(new Float32Array([0, 1, 2, 3, 4, 5]).buffer)));

  const aligned = serializeSafetensors({ attn0: tensor(new Float32Array([0, 1, 2, 3, 4, 5]), { shape: [1, 1, 2, 3] }) });
  assert.deepEqual(Array.from(aligned.subarray(0, 8)), [72, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(Buffer.from(aligned.subarray(8, 80)).toString(), '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ');

  assert.deepEqual(Array.from(serializeSafetensors({})), [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
  const withMeta = serializeSafetensors({}, { framework: 'pt' });
  assert.deepEqual(Array.from(withMeta.subarray(0, 8)), [40, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(Buffer.from(withMeta.subarray(8)).toString(), '{"__metadata__":{"framework":"pt"}}     ');
});

test('orders tensors by descending dtype alignment, then name', () => {
  const out = serializeSafetensors({
    b: tensor([1, 2], { dtype: 'int32' }),
    mask: tensor([true, false]),
    a: tensor([1, 2], { dtype: 'int32' }),
    w: tensor([1.5]),
    ids: tensor([7], { dtype: 'int32' }),
    '10': tensor([1.5]),
    '9': tensor([1.5]),
  }, undefined, { dtypes: { ids: 'I64' } });
  const n = Number(new DataView(out.buffer).getBigUint64(0, true));
  const text = Buffer.from(out.subarray(8, 8 + n)).toString();
  const keyOrder = [...text.matchAll(/"([^"]+)":\{"dtype"/g)].map((m) => m[1]);
  assert.deepEqual(keyOrder, ['ids', '10', '9', 'w', 'a', 'b', 'mask']);
  assert.deepEqual(readHeaderOf(out), keyOrder);
  assert.equal(n % 8, 0);
});

function readHeaderOf(bytes: Uint8Array): string[] {
  const p = path.join(tmp, `order-${Math.random()}.safetensors`);
  fs.writeFileSync(p, bytes);
  return readSafetensorsHeader(p).tensors.map((t) => t.name);
}

test('round-trips every writable dtype', () => {
  const floats = [0, -0, 1, -2.5, 0.1, 3.4e38, -1e-30, Infinity, -Infinity, NaN, 65504, 1 / 3];
  const ints = [0, 1, -1, 127, -128, 2147483647, -2147483648, 65535];
  const cases: { t: Tensor; stored: string; expect: (number | boolean)[]; float64?: boolean }[] = [
    { t: tensor(new Float32Array(floats)), stored: 'F32', expect: Array.from(new Float32Array(floats)) },
    { t: tensor(new Float32Array(floats)), stored: 'F64', expect: Array.from(new Float32Array(floats)) },
    { t: tensor(new Float64Array(floats)), stored: 'F64', expect: floats, float64: true },
    { t: tensor(new Float64Array(floats)), stored: 'F32', expect: Array.from(new Float32Array(floats)) },
    { t: tensor(new Float32Array([1, -2, 0.5, 65504, 1e-7])), stored: 'F16', expect: [1, -2, 0.5, 65504, float16BitsToNumber(2)] },
    { t: tensor(new Float32Array([1, -2, 0.5, 3.140625])), stored: 'BF16', expect: [1, -2, 0.5, 3.140625] },
    { t: tensor(new Int32Array(ints)), stored: 'I32', expect: ints },
    { t: tensor(new Int32Array(ints)), stored: 'I64', expect: ints },
    { t: tensor(new Int32Array([0, 5, 2147483647])), stored: 'U64', expect: [0, 5, 2147483647] },
    { t: tensor(new Int32Array([0, 5, 2147483647])), stored: 'U32', expect: [0, 5, 2147483647] },
    { t: tensor(new Int32Array([-32768, 32767])), stored: 'I16', expect: [-32768, 32767] },
    { t: tensor(new Int32Array([0, 65535])), stored: 'U16', expect: [0, 65535] },
    { t: tensor(new Int32Array([-128, 127])), stored: 'I8', expect: [-128, 127] },
    { t: tensor(new Int32Array([0, 255])), stored: 'U8', expect: [0, 255] },
    { t: tensor([true, false, true]), stored: 'BOOL', expect: [true, false, true] },
    { t: tensor([true, false]), stored: 'U8', expect: [1, 0] },
  ];
  for (const c of cases) {
    const name = `x_${c.stored}`;
    const bytes = serializeSafetensors({ [name]: c.t }, { note: 'é ✓' }, { dtypes: { [name]: c.stored as 'F32' } });
    const back = parseSafetensors(bytes, { float64: c.float64 });
    const got = back.tensors.get(name)!;
    assert.deepEqual(got.tolist(), c.expect, `${c.t.dtype} stored as ${c.stored}`);
    assert.deepEqual(back.metadata, { note: 'é ✓' });
  }
});

test('stored types can be chosen per lmkit dtype, and impossible ones are refused', () => {
  const bytes = serializeSafetensors({ w: tensor([1.5]), ids: tensor([3], { dtype: 'int32' }) }, undefined, { dtypes: { float32: 'BF16', int32: 'I64' } });
  const p = path.join(tmp, 'bydtype.safetensors');
  fs.writeFileSync(p, bytes);
  assert.deepEqual(readSafetensorsHeader(p).tensors.map((t) => t.dtype), ['I64', 'BF16']);
  assert.throws(() => serializeSafetensors({ w: tensor([1.5]) }, undefined, { dtypes: { w: 'I32' } }), /tensor "w" is float32, which can be stored as F32, F64, F16, BF16, got I32/);
  assert.throws(() => serializeSafetensors({ i: tensor([300], { dtype: 'int32' }) }, undefined, { dtypes: { i: 'U8' } }), /tensor "i" holds 300 at element 0, outside the U8 range \[0, 255\]/);
  assert.throws(() => serializeSafetensors({ __metadata__: tensor([1]) }), /reserved/);
});

test('writes non-contiguous tensors in row-major order', () => {
  const base = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] });
  const transposed = base.rawView([3, 2], [1, 3], 0);
  const back = parseSafetensors(serializeSafetensors({ t: transposed })).tensors.get('t')!;
  assert.deepEqual(back.tolist(), [[1, 4], [2, 5], [3, 6]]);
});

test('float16 and bfloat16 encodings match hand-computed bit patterns (round to nearest even)', () => {
  const bits = (v: number) => new Uint32Array(new Float32Array([v]).buffer)[0];
  const f16: [number, number][] = [
    [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff], [65519, 0x7bff], [65520, 0x7c00], [1e6, 0x7c00],
    [2 ** -14, 0x0400], [2 ** -24, 0x0001], [2 ** -25, 0x0000], [1.5 * 2 ** -25, 0x0001], [3 * 2 ** -25, 0x0002],
    [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [0.1, 0x2e66], [1 / 3, 0x3555], [-0, 0x8000],
    [Infinity, 0x7c00], [-Infinity, 0xfc00], [NaN, 0x7e00], [2 ** -14 - 2 ** -25, 0x0400],
  ];
  for (const [v, h] of f16) assert.equal(float32BitsToFloat16(bits(v)), h, `f16(${v})`);
  const bf16: [number, number][] = [
    [1, 0x3f80], [-2, 0xc000], [0.1, 0x3dcd], [1 + 2 ** -8, 0x3f80], [1 + 3 * 2 ** -8, 0x3f82],
    [3.4028234663852886e38, 0x7f80], [Infinity, 0x7f80], [-0, 0x8000], [NaN, 0x7fc0], [1e-40, 0x0001],
  ];
  for (const [v, h] of bf16) assert.equal(float32BitsToBfloat16(bits(v)), h, `bf16(${v})`);

  // The same patterns through a file, and their decoded values.
  const data = new Uint8Array(new Uint16Array([0x3555, 0x0001, 0x7bff, 0xfc00, 0x7e00]).buffer);
  const loaded = parseSafetensors(file({ h: { dtype: 'F16', shape: [5], data_offsets: [0, 10] } }, data)).tensors.get('h')!;
  assert.deepEqual(Array.from(loaded.dense()), [0.333251953125, 2 ** -24, 65504, -Infinity, NaN]);
  const b = new Uint8Array(new Uint16Array([0x3dcd, 0xc049]).buffer);
  const lb = parseSafetensors(file({ b: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] } }, b)).tensors.get('b')!;
  assert.deepEqual(Array.from(lb.dense()), [0.10009765625, -3.140625]);
  const written = serializeSafetensors({ w: tensor(new Float64Array([1 / 3, 0.1])) }, undefined, { dtypes: { w: 'F16' } });
  assert.deepEqual(Array.from(new Uint16Array(written.slice(written.length - 4).buffer)), [0x3555, 0x2e66]);
});

test('float16 and bfloat16: every pattern round-trips, and every midpoint rounds to the even neighbour', () => {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  const bitsOf = (v: number) => ((f32[0] = v), u32[0]);
  for (let h = 0; h < 0x10000; h++) {
    const v = float16BitsToNumber(h);
    if (Number.isNaN(v)) continue;
    assert.equal(float32BitsToFloat16(bitsOf(v)), h);
    if ((h & 0x7fff) < 0x7bff) {
      const mid = (v + float16BitsToNumber(h + 1)) / 2;
      assert.equal(float32BitsToFloat16(bitsOf(mid)), h & 1 ? h + 1 : h, `midpoint above ${h.toString(16)}`);
    }
    const b = h << 16;
    if ((b & 0x7f800000) !== 0x7f800000 || (b & 0x7fffff) === 0) assert.equal(float32BitsToBfloat16(b >>> 0), h);
    if ((h & 0x7f80) !== 0x7f80 && (h & 0x7fff) < 0x7f7f) {
      assert.equal(float32BitsToBfloat16((b | 0x8000) >>> 0), h & 1 ? h + 1 : h, `bf16 midpoint above ${h.toString(16)}`);
    }
  }
});

test('float8 tensors load as float32', () => {
  const bytes = [0x7e, 0x7f, 0x01, 0xb8];
  const e4m3 = parseSafetensors(file({ a: { dtype: 'F8_E4M3', shape: [4], data_offsets: [0, 4] } }, bytes)).tensors.get('a')!;
  assert.deepEqual(Array.from(e4m3.dense()), [448, NaN, 2 ** -9, -1]);
  const e5m2 = parseSafetensors(file({ a: { dtype: 'F8_E5M2', shape: [3], data_offsets: [0, 3] } }, [0x7b, 0x7c, 0x3c])).tensors.get('a')!;
  assert.deepEqual(Array.from(e5m2.dense()), [57344, Infinity, 1]);
  const e8m0 = parseSafetensors(file({ a: { dtype: 'F8_E8M0', shape: [3], data_offsets: [0, 3] } }, [127, 130, 255])).tensors.get('a')!;
  assert.deepEqual(Array.from(e8m0.dense()), [1, 8, NaN]);
});

test('refuses dtypes it cannot hold with an "unsupported dtype" error, but still reads their header', () => {
  const bytes = file({ c: { dtype: 'C64', shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8));
  assert.throws(() => parseSafetensors(bytes, { source: 'c.safetensors' }), (e: unknown) => e instanceof LmkitError && e.code === 'Unsupported' && /c\.safetensors: tensor "c" has unsupported dtype C64/.test(e.message));
  const p = path.join(tmp, 'c64.safetensors');
  fs.writeFileSync(p, bytes);
  assert.deepEqual(readSafetensorsHeader(p).tensors, [{ name: 'c', dtype: 'C64', shape: [1], dataOffsets: [0, 8] }]);
});

test('integers outside the int32 range are an error naming file, tensor and value', () => {
  const i64 = (values: bigint[], dtype = 'I64') => {
    const data = new Uint8Array(values.length * 8);
    const v = new DataView(data.buffer);
    values.forEach((x, i) => (dtype === 'I64' ? v.setBigInt64(i * 8, x, true) : v.setBigUint64(i * 8, x, true)));
    return file({ ids: { dtype, shape: [values.length], data_offsets: [0, data.length] } }, data);
  };
  const ok = parseSafetensors(i64([0n, -1n, 2147483647n, -2147483648n])).tensors.get('ids')!;
  assert.deepEqual(ok.tolist(), [0, -1, 2147483647, -2147483648]);
  const expectRange = (bytes: Uint8Array, value: string, index: number) =>
    assert.throws(() => parseSafetensors(bytes, { source: 'ids.safetensors' }), (e: unknown) => {
      assert.ok(e instanceof LmkitError);
      assert.equal(e.code, 'Unsupported');
      assert.match(e.message, new RegExp(`^ids\\.safetensors: tensor "ids" \\(\\w+\\) holds ${value} at element ${index}, outside the int32 range`));
      return true;
    });
  expectRange(i64([1n, 2147483648n]), '2147483648', 1);
  expectRange(i64([-2147483649n]), '-2147483649', 0);
  expectRange(i64([-(2n ** 63n)]), '-9223372036854775808', 0);
  expectRange(i64([0n, 0n, 2n ** 64n - 1n], 'U64'), '18446744073709551615', 2);
  const u32 = new Uint8Array(new Uint32Array([4294967295]).buffer);
  expectRange(file({ ids: { dtype: 'U32', shape: [1], data_offsets: [0, 4] } }, u32), '4294967295', 0);
});

test('saveSafetensors writes atomically and leaves no temporary file behind', () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'save-'));
  const p = path.join(dir, 'model.safetensors');
  saveSafetensors(p, new Map([['w', tensor([[1, 2], [3, 4]])]]), { format: 'pt' });
  assert.deepEqual(loadSafetensors(p).tensors.get('w')!.tolist(), [[1, 2], [3, 4]]);
  saveSafetensors(p, { w: tensor([5]) });
  assert.deepEqual(loadSafetensors(p).tensors.get('w')!.tolist(), [5]);
  // A failing save keeps the previous file whole.
  assert.throws(() => saveSafetensors(p, { i: tensor([-1], { dtype: 'int32' }) }, undefined, { dtypes: { i: 'U8' } }), LmkitError);
  assert.deepEqual(loadSafetensors(p).tensors.get('w')!.tolist(), [5]);
  assert.deepEqual(fs.readdirSync(dir), ['model.safetensors']);
});

test('large tensors are converted chunk by chunk', () => {
  const n = 300_000; // > 1 MiB of F64 and I64: several conversion chunks
  const values = new Float32Array(n);
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    values[i] = (i % 1000) / 7;
    ids[i] = i * 7919 - 1_000_000_000;
  }
  const p = path.join(tmp, 'large.safetensors');
  saveSafetensors(p, { v: tensor(values), ids: tensor(ids) }, undefined, { dtypes: { v: 'F64', ids: 'I64' } });
  const back = loadSafetensors(p);
  assert.deepEqual(back.tensors.get('v')!.dense(), values);
  assert.deepEqual(back.tensors.get('ids')!.dense(), ids);
  const f16 = serializeSafetensors({ v: tensor(values) }, undefined, { dtypes: { v: 'BF16' } });
  const vb = parseSafetensors(f16).tensors.get('v')!.dense();
  for (let i = 0; i < n; i += 997) assert.ok(Math.abs(vb[i] - values[i]) <= Math.abs(values[i]) * 2 ** -8);
});

test('reads the PyTorch fixture files', { skip: SHARED ? false : SHARED_MISSING }, () => {
  const casesDir = path.join(SHARED!, 'fixtures/torch/cases');
  const names = fs.readdirSync(casesDir).filter((f) => f.endsWith('.safetensors'));
  assert.ok(names.length > 0);
  const seen = new Set<string>();
  for (const name of names) {
    const p = path.join(casesDir, name);
    const header = readSafetensorsHeader(p);
    const loaded = loadSafetensors(p);
    assert.equal(loaded.tensors.size, header.tensors.length);
    assert.equal(JSON.parse(loaded.metadata.case).name !== undefined, true, `${name}: metadata.case`);
    for (const info of header.tensors) {
      seen.add(info.dtype);
      const t = loaded.tensors.get(info.name)!;
      assert.deepEqual(t.shape, info.shape);
      assert.equal(t.dtype, info.dtype === 'BOOL' ? 'bool' : info.dtype === 'I64' ? 'int32' : 'float32');
    }
    // Written back with I64 for the integer tensors, the file loads to the same values.
    const again = parseSafetensors(serializeSafetensors(loaded.tensors, loaded.metadata, { dtypes: { int32: 'I64' } }));
    for (const [k, t] of loaded.tensors) assert.deepEqual(again.tensors.get(k)!.dense(), t.dense(), `${name}: ${k}`);
  }
  assert.ok(seen.has('F32') && seen.has('I64') && seen.has('BOOL'));
  const gpt2 = loadSafetensors(path.join(SHARED!, 'fixtures/torch/gpt2-tiny/model.safetensors'));
  assert.equal(gpt2.metadata.format, 'pt');
  assert.deepEqual(gpt2.tensors.get('transformer.wte.weight')!.shape, [64, 16]);
});

test('randomly corrupted files either load or throw LmkitError', () => {
  const valid = serializeSafetensors(
    {
      w: tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] }),
      h: tensor(new Float32Array([0.5, -1])),
      ids: tensor(new Int32Array([1, -2, 3])),
      m: tensor([true, false]),
      e: tensor(new Float32Array(0), { shape: [0, 4] }),
    },
    { format: 'pt' },
    { dtypes: { h: 'F16', ids: 'I64' } },
  );
  const g = new Generator(1234);
  let loaded = 0;
  let refused = 0;
  for (let iter = 0; iter < 3000; iter++) {
    let bytes = valid.slice();
    const kind = g.randint(0, 5);
    if (kind === 0) {
      bytes = bytes.slice(0, g.randint(0, bytes.length));
    } else if (kind === 1) {
      const grown = new Uint8Array(bytes.length + g.randint(1, 16));
      grown.set(bytes);
      bytes = grown;
    } else {
      const flips = g.randint(1, 4);
      // Mostly hit the length prefix and header, where the structure lives.
      const limit = kind === 4 ? bytes.length : Math.min(bytes.length, 8 + 256);
      for (let f = 0; f < flips; f++) {
        const at = g.randint(0, limit);
        bytes[at] = kind === 2 ? bytes[at] ^ (1 << g.randint(0, 8)) : g.randint(0, 256);
      }
    }
    try {
      parseSafetensors(bytes, { source: 'fuzz' });
      loaded++;
    } catch (e) {
      assert.ok(e instanceof LmkitError, `iteration ${iter}: expected LmkitError, got ${(e as Error)?.stack ?? String(e)}`);
      refused++;
    }
  }
  assert.ok(loaded > 0 && refused > 0, `loaded ${loaded}, refused ${refused}`);
});

test('corrupted files on disk are refused the same way', () => {
  const valid = serializeSafetensors({ w: tensor([1, 2, 3]) });
  const p = path.join(tmp, 'fuzz.safetensors');
  const g = new Generator(99);
  for (let iter = 0; iter < 200; iter++) {
    const bytes = valid.slice(0, g.randint(0, valid.length + 1));
    if (bytes.length > 0) bytes[g.randint(0, bytes.length)] ^= 1 << g.randint(0, 8);
    fs.writeFileSync(p, bytes);
    try {
      loadSafetensors(p);
    } catch (e) {
      assert.ok(e instanceof LmkitError, `iteration ${iter}: ${String(e)}`);
    }
  }
});
