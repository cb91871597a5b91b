import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../tensor/create.js';
import { gradcheck } from './gradcheck.js';
import { record } from './graph.js';
import * as ops from './ops/index.js';
import { leaf } from './ops/testutil.js';

test('gradcheck passes a correct backward and reports the largest error', () => {
  const r = gradcheck((x) => ops.mul(x, x), [leaf([3, 2])]);
  assert.equal(r.checked, 6);
  assert.ok(r.maxErr < 1e-6);
});

test('gradcheck throws on a wrong backward, naming the worst element', () => {
  const wrongSquare = (x: Parameters<typeof ops.mul>[0]) => {
    const out = ops.mul(ops.toDtype(x, 'float64').detach(), x.detach());
    return record(out, 'WrongBackward', [x], (g) => [ops.mul(g, x.detach())]); // misses the factor 2
  };
  assert.throws(() => gradcheck(wrongSquare, [leaf([2, 2], 1, 2)]), (e: Error) =>
    /gradcheck: 4 of 4 gradient elements differ; worst: input 0 element \[\d, \d\]/.test(e.message));
});

test('gradcheck rejects float32 inputs and inputs without gradients', () => {
  assert.throws(() => gradcheck((x) => x.mul(2), [tensor([1, 2], { requiresGrad: true })]), /float64/);
  assert.throws(() => gradcheck((x) => x.mul(2), [tensor([1, 2], { dtype: 'float64' })]), /no input requires a gradient/);
});
