import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../autograd/index.js';
import { matmul, mseLoss } from '../autograd/ops/index.js';
import { randn } from '../tensor/create.js';
import { peekGrad } from '../tensor/owned-grad.js';
import { manualSeed } from '../tensor/random.js';
import { AdamW } from './adam.js';
import { clipGradNorm } from './clip.js';

// y = x·w with w [64, 256] (64 KB, large enough for the allocator's pool): its gradient xᵀ·g comes out of
// one GEMM in w's layout.
function setup() {
  manualSeed(3);
  const weight = randn([64, 256], { requiresGrad: true });
  const opt = new AdamW([weight], { lr: 1e-2 });
  const x = randn([32, 64]);
  const y = randn([32, 256]);
  const step = (): number => {
    opt.zeroGrad({ setToNone: true });
    const loss = mseLoss(matmul(x, weight), y);
    loss.backward();
    clipGradNorm([weight], 1.0);
    opt.step();
    return loss.item();
  };
  return { weight, step };
}

test('a gradient only the optimizer has seen is computed into the same storage after zeroGrad', () => {
  const { weight, step } = setup();
  step();
  const first = peekGrad(weight)!.data;
  step();
  assert.equal(peekGrad(weight)!.data, first, 'the next backward reused the dropped gradient');
});

test('a gradient read through .grad is never recycled, and training gives the same losses either way', () => {
  const watched = setup();
  const quiet = setup();
  const kept: { data: Float32Array; copy: Float32Array }[] = [];
  for (let i = 0; i < 5; i++) {
    const a = watched.step();
    const b = quiet.step();
    assert.equal(a, b, `step ${i}: the same loss whether or not gradients are recycled`);
    const g = watched.weight.grad!;
    kept.push({ data: g.data as Float32Array, copy: Float32Array.from(g.data as Float32Array) });
  }
  for (const [i, k] of kept.entries()) {
    assert.deepEqual(k.data, k.copy, `gradient ${i}, read through .grad, still holds its values`);
    for (const other of kept.slice(i + 1)) assert.notEqual(other.data, k.data);
  }
});
