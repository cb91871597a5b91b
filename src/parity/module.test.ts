import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadSafetensors } from '../io/safetensors.js';
import { SHARED_MISSING, sharedDir } from '../testing/shared.js';
import { PARITY_MODULES, parseCall } from './module.js';
import { kindHandler, type ParityCase } from './registry.js';

const shared = sharedDir();

test('parseCall reads positional names, tuples, keywords and Python literals', () => {
  assert.deepEqual(parseCall('m(x, (h0, c0))'), {
    positional: [{ name: 'x' }, { tuple: [{ name: 'h0' }, { name: 'c0' }] }], keywords: [],
  });
  assert.deepEqual(parseCall('m(q, q, q, attn_mask=attn_mask, need_weights=True, p=0.5, s="a", n=None)'), {
    positional: [{ name: 'q' }, { name: 'q' }, { name: 'q' }],
    keywords: [['attn_mask', { name: 'attn_mask' }], ['need_weights', { literal: true }], ['p', { literal: 0.5 }],
      ['s', { literal: 'a' }], ['n', { literal: null }]],
  });
  assert.throws(() => parseCall('m(a=1, x)'), /positional argument after a keyword/);
  assert.throws(() => parseCall('m(x'), /unterminated|expected/);
});

test('every module case of the shared fixtures passes', { skip: shared ? false : SHARED_MISSING }, async () => {
  const dir = path.join(shared!, 'fixtures/torch/cases');
  const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { cases: ParityCase[] };
  const cases = index.cases.filter((c) => c.kind === 'module');
  assert.ok(cases.length > 0);
  const handler = kindHandler('module')!;
  for (const c of cases) {
    assert.ok(PARITY_MODULES.includes(c.module as string), `module ${String(c.module)}`);
    const file = loadSafetensors(path.join(dir, c.file!));
    const r = await handler(c, { file, dir });
    assert.equal(r.status, 'pass', `${c.name}: ${r.detail ?? ''}`);
  }
});

test('a case with a changed argument fails instead of passing', { skip: shared ? false : SHARED_MISSING }, async () => {
  const dir = path.join(shared!, 'fixtures/torch/cases');
  const c: ParityCase = JSON.parse(loadSafetensors(path.join(dir, 'gru.safetensors')).metadata.case);
  const file = loadSafetensors(path.join(dir, 'gru.safetensors'));
  const handler = kindHandler('module')!;
  // Another hidden size cannot load the stored parameters: a strict state-dict error.
  const r = await handler({ ...c, hidden_size: 4 }, { file, dir });
  assert.equal(r.status, 'fail');
  assert.match(r.detail!, /weight_ih_l0: expected shape \[12, 3\], got \[15, 3\]/);
  const unknown = await handler({ ...c, proj_size: 2 }, { file, dir });
  assert.equal(unknown.status, 'skip');
});
