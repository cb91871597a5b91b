import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backend, setBackend } from '../../backend/index.js';
import { randn } from '../../tensor/create.js';
import { manualSeed } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { assertClose } from '../../testing/assert.js';
import { gradcheck } from '../gradcheck.js';
import { noGrad } from '../graph.js';
import * as ops from './index.js';
import { leaf, leafT } from './testutil.js';

const APPROXIMATIONS = ['tanh', 'none'] as const;

test('geluMlp: gradients of every input (float64), with and without biases and residual, transposed weights', () => {
  for (const approximate of APPROXIMATIONS) {
    gradcheck((x, wFc, bFc, wProj, bProj) => ops.geluMlp(x, wFc, bFc, wProj, bProj, { approximate }),
      [leaf([2, 3, 4], -2, 2), leaf([4, 6]), leaf([6]), leaf([6, 5]), leaf([5])]);
    gradcheck((x, wFc, wProj) => ops.geluMlp(x, wFc, null, wProj, null, { approximate }),
      [leaf([5, 4], -2, 2), leafT([4, 6]), leafT([6, 3])]);
    gradcheck((x, wFc, bFc, wProj, residual) => ops.geluMlp(x, wFc, bFc, wProj, null, { approximate, residual }),
      [leaf([2, 3, 4], -2, 2), leaf([4, 6]), leaf([6]), leaf([6, 5]), leaf([2, 3, 5])]);
  }
});

/** The same block from separate ops: residual + addmm(gelu(addmm)). */
function composed(x: Tensor, wFc: Tensor, bFc: Tensor, wProj: Tensor, bProj: Tensor, residual: Tensor,
  approximate: 'none' | 'tanh'): Tensor {
  const rows = ops.reshape(x, [-1, wFc.shape[0]]);
  const y = ops.addmm(bProj, ops.gelu(ops.addmm(bFc, rows, wFc), approximate), wProj);
  return ops.add(residual, ops.reshape(y, [...x.shape.slice(0, -1), wProj.shape[1]]));
}

/** Output and gradients (null where not required) of geluMlp or the composed ops, for inputs drawn from `seed`. */
function run(fused: boolean, approximate: 'none' | 'tanh', shape: [number, number, number, number], requires: boolean[], seed: number) {
  manualSeed(seed);
  const [rows, nIn, hidden, nOut] = shape;
  const inputs = [[2, rows, nIn], [nIn, hidden], [hidden], [hidden, nOut], [nOut], [2, rows, nOut]].map((s, i) =>
    randn(s, { requiresGrad: requires[i] }));
  const g = randn([2, rows, nOut]);
  const [x, wFc, bFc, wProj, bProj, residual] = inputs;
  const y = fused
    ? ops.geluMlp(x, wFc, bFc, wProj, bProj, { approximate, residual })
    : composed(x, wFc, bFc, wProj, bProj, residual, approximate);
  ops.sum(ops.mul(y, g)).backward();
  return [y, ...inputs.map((t) => t.grad ?? null)];
}

function compareWithComposed(label: string): void {
  const shapes: [number, number, number, number][] = [[32, 128, 512, 128], [7, 9, 13, 5], [1, 16, 64, 16]];
  const everything = [true, true, true, true, true, true];
  const someOnly = [false, true, false, false, true, false];
  for (const approximate of APPROXIMATIONS) {
    for (const [i, shape] of shapes.entries()) {
      for (const requires of [everything, someOnly]) {
        const expected = run(false, approximate, shape, requires, 10 + i);
        const actual = run(true, approximate, shape, requires, 10 + i);
        actual.forEach((t, k) => {
          if (expected[k] === null) assert.equal(t, null, `${label}: output ${k} should have no gradient`);
          else assertClose(t!, expected[k]!, 1e-4, 1e-6); // the residual is summed in another order
        });
      }
    }
  }
}

test('geluMlp in float32 equals residual + addmm(gelu(addmm)) (native backend when built)', () => {
  compareWithComposed(backend().name);
});

test('geluMlp in float32 equals residual + addmm(gelu(addmm)) on the js backend', () => {
  const before = backend().name;
  setBackend('js');
  try {
    compareWithComposed('js');
  } finally {
    setBackend(before);
  }
});

test('geluMlp without grad records nothing; shape errors name the operands', () => {
  const x = randn([3, 4]);
  const w = randn([4, 8], { requiresGrad: true });
  const y = noGrad(() => ops.geluMlp(x, w, null, randn([8, 2]), null, { approximate: 'tanh' }));
  assert.equal(y.requiresGrad, false);
  assert.deepEqual(y.shape, [3, 2]);
  assert.throws(() => ops.geluMlp(x, randn([5, 8]), null, randn([8, 2]), null), /geluMlp: expected x \[\.\.\., 5\]/);
  assert.throws(() => ops.geluMlp(x, w, null, randn([8, 2]), null, { residual: randn([3, 3]) }), /residual \[3, 3\]/);
});
