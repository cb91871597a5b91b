import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { saveSafetensors } from '../../io/safetensors.js';
import { tensor } from '../../tensor/create.js';

const mainJs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../main.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-inspect-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

function lmkit(...args: string[]) {
  const r = spawnSync(process.execPath, [mainJs, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const modelDir = path.join(tmp, 'model');
fs.mkdirSync(modelDir);
const weights = path.join(modelDir, 'model.safetensors');
saveSafetensors(
  weights,
  { 'wte.weight': tensor([[1, 2, 3], [4, 5, 6]]), input_ids: tensor([[1, 2]], { dtype: 'int32' }), mask: tensor([true]) },
  { format: 'pt' },
  { dtypes: { input_ids: 'I64', 'wte.weight': 'BF16' } },
);

test('inspect prints each tensor with dtype and shape, and the metadata', () => {
  const r = lmkit('inspect', weights);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], weights);
  assert.ok(lines.includes('  format: pt'));
  assert.ok(lines.includes('3 tensors, 9 elements, 29 B of data'));
  const rows = lines.slice(lines.findIndex((l) => l.startsWith('name'))).map((l) => l.split(/\s{2,}/));
  assert.deepEqual(rows, [
    ['name', 'dtype', 'shape'],
    ['input_ids', 'I64', '[1, 2]'],
    ['wte.weight', 'BF16', '[2, 3]'],
    ['mask', 'BOOL', '[1]'],
  ]);
});

test('inspect accepts a model directory and prints JSON on request', () => {
  const r = lmkit('inspect', modelDir, '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.file, weights);
  assert.deepEqual(out.metadata, { format: 'pt' });
  assert.deepEqual(out.tensors[0], { name: 'input_ids', dtype: 'I64', shape: [1, 2], data_offsets: [0, 16] });
});

test('inspect lists every shard of a sharded model directory', () => {
  const sharded = path.join(tmp, 'sharded');
  fs.mkdirSync(sharded);
  fs.writeFileSync(path.join(sharded, 'model.safetensors.index.json'), JSON.stringify({ weight_map: { a: 'part-1.safetensors', b: 'part-2.safetensors' } }));
  saveSafetensors(path.join(sharded, 'part-1.safetensors'), { a: tensor([1]) });
  saveSafetensors(path.join(sharded, 'part-2.safetensors'), { b: tensor([[1, 2]]) });
  const r = lmkit('inspect', sharded);
  assert.equal(r.status, 0, r.stderr);
  const files = r.stdout.split('\n').filter((l) => l.startsWith(sharded));
  assert.deepEqual(files, [path.join(sharded, 'part-1.safetensors'), path.join(sharded, 'part-2.safetensors')]);
  assert.match(r.stdout, /\nb +F32 +\[1, 2\]\n/);
});

test('inspect reports a bad file in one line and exits non-zero', () => {
  const bad = path.join(tmp, 'bad.safetensors');
  const bytes = fs.readFileSync(weights);
  fs.writeFileSync(bad, bytes.subarray(0, bytes.length - 3));
  const r = lmkit('inspect', bad);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `lmkit: ${bad}: tensors cover 29 bytes of data, but the file holds 26 bytes after the header (data must end exactly at the end of the file)\n`);

  const empty = lmkit('inspect', tmp);
  assert.equal(empty.status, 1);
  assert.match(empty.stderr, /^lmkit: inspect: .* holds neither model\.safetensors nor model\.safetensors\.index\.json\n$/);

  const missing = lmkit('inspect', path.join(tmp, 'nope.safetensors'));
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /ENOENT.*nope\.safetensors/);
  assert.equal(missing.stderr.split('\n').length, 2);
});
