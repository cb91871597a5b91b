import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadSafetensors } from '../io/safetensors.js';
import { SHARED_MISSING, sharedDir } from '../testing/shared.js';
import './graph.js';
import { kindHandler, type ParityCase } from './registry.js';

const shared = sharedDir();

test('every graph case of the shared fixtures passes through the PyG-named modules', { skip: shared ? false : SHARED_MISSING }, async () => {
  const dir = path.join(shared!, 'fixtures/torch/cases');
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { cases: ParityCase[] };
  const cases = index.cases.filter((c) => c.kind === 'graph');
  assert.deepEqual(cases.map((c) => c.module).sort(), ['GATConv', 'GCNConv']);
  for (const c of cases) {
    const file = loadSafetensors(path.join(dir, c.file!));
    const r = await kindHandler('graph')!(c, { file, dir });
    assert.equal(r.status, 'pass', `${c.name}: ${r.detail ?? ''}`);
  }
});

test('a graph case with a wrong layer argument fails instead of passing', { skip: shared ? false : SHARED_MISSING }, async () => {
  const dir = path.join(shared!, 'fixtures/torch/cases');
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { cases: ParityCase[] };
  const gat = index.cases.find((c) => c.module === 'GATConv')!;
  const r = await kindHandler('graph')!({ ...gat, negative_slope: 0.3 }, { file: loadSafetensors(path.join(dir, gat.file!)), dir });
  assert.equal(r.status, 'fail');
});
