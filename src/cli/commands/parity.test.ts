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
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-parity-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

function lmkit(...args: string[]) {
  const r = spawnSync(process.execPath, [mainJs, ...args], { encoding: 'utf8', env: { ...process.env, LMKIT_BACKEND: 'js' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Cases are driven by their JSON: the names say nothing about what they run.
const cases = [
  { file: 'c1.safetensors', name: 'first', kind: 'op', op: 'mul', args: ['p', 'q'] },
  { file: 'c2.safetensors', name: 'second', kind: 'op', op: 'sum', args: ['x'], dim: 0, keepdim: false },
  { file: 'c3.safetensors', name: 'third', kind: 'op', op: 'no_such_op', args: ['x'] },
  { name: 'fourth', kind: 'no_such_kind' },
];
const p = tensor([[1, 2], [3, 4]]);
const q = tensor([10, 20]);
saveSafetensors(path.join(tmp, 'c1.safetensors'), {
  p, q, out: tensor([[10, 40], [30, 80]]), cotangent: tensor([[1, 1], [1, 1]]),
  grad_p: tensor([[10, 20], [10, 20]]), grad_q: tensor([4, 6]),
});
// A wrong expected gradient: this case must fail.
saveSafetensors(path.join(tmp, 'c2.safetensors'), {
  x: p, out: tensor([4, 6]), cotangent: tensor([1, 2]), grad_x: tensor([[1, 2], [1, 3]]),
});
saveSafetensors(path.join(tmp, 'c3.safetensors'), { x: p, out: p });
fs.writeFileSync(path.join(tmp, 'index.json'), JSON.stringify({ cases }));

test('parity prints one line per case and the summary; a failure exits 1', () => {
  const r = lmkit('parity', tmp);
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 5);
  assert.match(lines[0], /^first\s+pass\s+max err 0$/);
  assert.match(lines[1], /^second\s+fail\s+max err 1\.00e\+0\s+\(grad_x: max error/);
  assert.match(lines[2], /^third\s+skip\s+.*op "no_such_op" is not implemented/);
  assert.match(lines[3], /^fourth\s+skip\s+.*kind "no_such_kind" is not implemented/);
  assert.equal(lines[4], '1 passed, 1 failed, 2 skipped');
});

test('parity --kind filters cases; all passing exits 0', () => {
  fs.writeFileSync(path.join(tmp, 'index.json'), JSON.stringify({ cases: [cases[0], cases[3]] }));
  const r = lmkit('parity', tmp, '--kind', 'op', '--backend', 'js');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trimEnd().split('\n').at(-1), '1 passed, 0 failed, 0 skipped');
});

test('parity rejects bad flags and missing folders', () => {
  assert.equal(lmkit('parity', tmp, '--kind', 'bogus').status, 2);
  assert.match(lmkit('parity', tmp, '--backend', 'cuda').stderr, /--backend expects "js" or "native", got "cuda"/);
  const empty = fs.mkdtempSync(path.join(tmp, 'empty-'));
  const r = lmkit('parity', empty);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /neither index.json nor expected.safetensors/);
});

test('parity takes the op arguments from the file metadata when index.json only lists the case', () => {
  const meta = { name: 'meta', kind: 'op', op: 'sum', args: ['x'], dim: 1, keepdim: true };
  saveSafetensors(path.join(tmp, 'c4.safetensors'), { x: p, out: tensor([[3], [7]]) }, { case: JSON.stringify(meta) });
  fs.writeFileSync(path.join(tmp, 'index.json'), JSON.stringify({ cases: [{ file: 'c4.safetensors', name: 'meta', kind: 'op' }] }));
  const r = lmkit('parity', tmp);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^meta\s+pass/m);
});
