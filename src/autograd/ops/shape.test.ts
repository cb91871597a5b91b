import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arange } from '../../tensor/create.js';
import { gradcheck } from '../gradcheck.js';
import * as ops from './index.js';
import { leaf, leafT } from './testutil.js';

test('views: gradients through view/reshape/permute/transpose/unsqueeze/squeeze/expand/slice', () => {
  gradcheck((x) => ops.reshape(x, [4, 6]), [leaf([2, 3, 4])]);
  gradcheck((x) => ops.reshape(x, [-1]), [leafT([3, 4])]);
  gradcheck((x) => ops.view(x, 6, 4), [leaf([2, 3, 4])]);
  gradcheck((x) => ops.flatten(x, 1), [leaf([2, 3, 4])]);
  gradcheck((x) => ops.contiguous(ops.permute(x, 2, 0, 1)), [leaf([2, 3, 4])]);
  gradcheck((x) => ops.transpose(x, 0, 2), [leaf([2, 3, 4])]);
  gradcheck((x) => ops.t(x), [leafT([3, 4])]);
  gradcheck((x) => ops.squeeze(ops.unsqueeze(x, 1), 1), [leaf([3, 4])]);
  gradcheck((x) => ops.expand(x, 2, 3, 4), [leaf([3, 1])]);
  gradcheck((x) => ops.slice(x, null, [1, 4], [null, null, 2]), [leaf([2, 5, 8])]);
  gradcheck((x) => ops.slice(x, 1, [-2, null]), [leafT([3, 4])]);
  gradcheck((x) => ops.slice(x, null, [1, 4], [8, 20]), [leaf([2, 5, 24])]); // whole rows of 12: copied a row at a time
  gradcheck((x) => ops.movedim(x, 0, -1), [leaf([2, 3, 4])]);
  gradcheck((x) => ops.clone(x), [leafT([2, 3])]);
});

test('views share storage; reshape copies only when it must', () => {
  const x = arange(24).reshape(2, 3, 4);
  const v = x.view(6, 4);
  assert.equal(v.data, x.data);
  const tr = x.transpose(1, 2);
  assert.equal(tr.isContiguous(), false);
  assert.deepEqual((tr.reshape(2, 12).tolist() as number[][])[0], [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
  assert.throws(() => tr.view(24), /incompatible/);
  assert.deepEqual(x.slice(1, [0, 3, 2], -1).tolist(), [15, 23]);
});

test('expand rejects -1 for a new leading dimension', () => {
  assert.throws(() => ops.expand(arange(3), -1, 3), /invalid size/);
  assert.deepEqual(ops.expand(arange(3).reshape(1, 3), 2, -1).shape, [2, 3]);
});

test('slice backward puts each gradient row where the slice took it from (rows of 8 and more)', () => {
  const x = arange(0, 2 * 3 * 20).reshape(2, 3, 20).requiresGrad_();
  const y = ops.slice(x, null, [1, 3], [4, 14]);
  ops.sum(ops.mul(y, y)).backward();
  const g = x.grad!.tolist() as number[][][];
  const v = x.tolist() as number[][][];
  for (let b = 0; b < 2; b++) for (let r = 0; r < 3; r++) for (let c = 0; c < 20; c++) {
    const inside = r >= 1 && c >= 4 && c < 14;
    assert.equal(g[b][r][c], inside ? 2 * v[b][r][c] : 0, `[${b}, ${r}, ${c}]`);
  }
});
