import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { nativeStatus, setBackend } from '../backend/index.js';
import { tensor } from '../tensor/create.js';
import { SHARED_MISSING, sharedDir } from '../testing/shared.js';
import { compareTensors, GRAD_TOL, registeredKinds } from './registry.js';
import { runParity } from './runner.js';

const shared = sharedDir();
const casesDir = shared ? path.join(shared, 'fixtures/torch/cases') : '';
const native = nativeStatus();

async function runOn(name: 'js' | 'native', t: { test: (n: string, fn: () => void) => Promise<void> }): Promise<void> {
  setBackend(name);
  const summary = await runParity(casesDir);
  for (const o of summary.outcomes) {
    await t.test(`${o.kind} ${o.name}`, () => {
      // Every op case must run; other kinds may still be unimplemented (skipped), never failing.
      if (o.kind === 'op') assert.equal(o.status, 'pass', `${o.name}: ${o.status} ${o.detail ?? ''}`);
      else assert.notEqual(o.status, 'fail', `${o.name}: ${o.detail ?? ''}`);
    });
  }
  assert.ok(summary.outcomes.some((o) => o.kind === 'op'), 'no op cases ran');
}

test('parity fixtures on the js backend', { skip: shared ? false : SHARED_MISSING }, async (t) => {
  await runOn('js', t);
});

test('parity fixtures on the native backend', { skip: !shared ? SHARED_MISSING : !native.available ? `native backend unavailable: ${native.reason}` : false }, async (t) => {
  await runOn('native', t);
  setBackend('js');
});

test('compareTensors: shapes, tolerances, NaN and missing gradients', () => {
  assert.equal(compareTensors('x', tensor([1, 2]), tensor([1, 2.0015]), GRAD_TOL).ok, true);
  const bad = compareTensors('x', tensor([1, 2]), tensor([1, 2.01]), GRAD_TOL);
  assert.equal(bad.ok, false);
  assert.ok(Math.abs(bad.maxErr - 0.01) < 1e-6);
  assert.match(bad.detail!, /x: max error/);
  assert.equal(compareTensors('x', tensor([1, 2]), tensor([[1, 2]]), GRAD_TOL).maxErr, Infinity);
  assert.equal(compareTensors('x', tensor([NaN]), tensor([1]), GRAD_TOL).ok, false);
  assert.equal(compareTensors('x', tensor([NaN]), tensor([NaN]), GRAD_TOL).ok, true);
  assert.equal(compareTensors('g', null, tensor([0, 0]), GRAD_TOL).ok, true);
  assert.ok(registeredKinds().includes('op'));
});
