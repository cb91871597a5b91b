import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { SHARED_MISSING, sharedDir } from '../testing/shared.js';
import './optimizer.js';
import { kindHandler } from './registry.js';
import { runParity } from './runner.js';

const shared = sharedDir();

test('every optimizer fixture case passes', { skip: shared ? false : SHARED_MISSING }, async () => {
  const summary = await runParity(path.join(shared as string, 'fixtures/torch/cases'), { kinds: ['optimizer'] });
  assert.ok(summary.outcomes.length >= 4, `only ${summary.outcomes.length} optimizer cases`);
  for (const o of summary.outcomes) assert.equal(o.status, 'pass', `${o.name}: ${o.status} ${o.detail ?? ''}`);
});

function file(tensors: Record<string, number[]>) {
  return { tensors: new Map<string, Tensor>(Object.entries(tensors).map(([k, v]) => [k, tensor(v)])), metadata: {} };
}

test('the handler follows the description: plain SGD over the steps it finds, unknown options skip', async () => {
  const handler = kindHandler('optimizer')!;
  // θ = 1 − 0.5·2 = 0, then 0 − 0.5·(−1) = 0.5
  const ctx = { dir: '.', file: file({ param0: [1], 'grad.0': [2], 'param.1': [0], 'grad.1': [-1], 'param.2': [0.5] }) };
  assert.equal((await handler({ name: 't', kind: 'optimizer', optimizer: 'SGD', lr: 0.5 }, ctx)).status, 'pass');
  const wrong = { dir: '.', file: file({ param0: [1], 'grad.0': [2], 'param.1': [0.1] }) };
  assert.equal((await handler({ name: 't', kind: 'optimizer', optimizer: 'SGD', lr: 0.5 }, wrong)).status, 'fail');
  const unknown = await handler({ name: 't', kind: 'optimizer', optimizer: 'Adam', lr: 0.5, decoupled_weight_decay: true }, ctx);
  assert.equal(unknown.status, 'skip');
  assert.match(unknown.detail ?? '', /decoupled_weight_decay=true is not supported/);
  assert.equal((await handler({ name: 't', kind: 'optimizer', optimizer: 'SGD', lr: 0.5, foreach: true }, ctx)).status, 'pass');
  assert.equal((await handler({ name: 't', kind: 'optimizer', optimizer: 'RMSprop' }, ctx)).status, 'skip');
});

test('clip_grad_norm with the infinity norm spelled "inf"', async () => {
  const handler = kindHandler('optimizer')!;
  const ctx = { dir: '.', file: file({ grad_a: [1, -4], grad_b: [2], clipped_a: [0.5, -2], clipped_b: [1], total_norm: [4] }) };
  const r = await handler({ name: 't', kind: 'optimizer', optimizer: 'clip_grad_norm', max_norm: 2, norm_type: 'inf' }, ctx);
  assert.equal(r.status, 'pass', r.detail);
});
