import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../autograd/index.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { assertClose } from '../testing/assert.js';
import { Adam, AdamW } from './adam.js';
import { clipGradNorm, clipGradValue } from './clip.js';
import { flattenOptimizerState, unflattenOptimizerState } from './serialize.js';
import { SGD } from './sgd.js';

function param(values: number[]): Tensor {
  return tensor(values, { requiresGrad: true });
}

function setGrad(p: Tensor, values: number[]): void {
  p.grad = tensor(values, { dtype: p.dtype });
}

test('SGD without momentum: θ -= lr · (g + λθ)', () => {
  const p = param([1, -2]);
  const opt = new SGD([p], { lr: 0.1, weightDecay: 0.5 });
  setGrad(p, [1, 1]);
  opt.step();
  // 1 - 0.1 * (1 + 0.5) = 0.85; -2 - 0.1 * (1 - 1) = -2
  assertClose(p, [0.85, -2], 1e-6, 0);
});

test('SGD momentum, dampening and nesterov follow PyTorch by hand', () => {
  const p = param([0]);
  const opt = new SGD([p], { lr: 1, momentum: 0.5, dampening: 0.5 });
  setGrad(p, [1]);
  opt.step(); // buf = 1 (first step takes g undamped), θ = -1
  setGrad(p, [1]);
  opt.step(); // buf = 0.5 * 1 + 0.5 * 1 = 1, θ = -2
  setGrad(p, [2]);
  opt.step(); // buf = 0.5 + 1 = 1.5, θ = -3.5
  assertClose(p, [-3.5], 1e-6, 0);

  const q = param([0]);
  const nes = new SGD([q], { lr: 1, momentum: 0.5, nesterov: true });
  setGrad(q, [1]);
  nes.step(); // buf = 1, step = 1 + 0.5 = 1.5
  setGrad(q, [1]);
  nes.step(); // buf = 1.5, step = 1 + 0.75 = 1.75
  assertClose(q, [-3.25], 1e-6, 0);
});

test('SGD rejects nesterov without momentum', () => {
  assert.throws(() => new SGD([param([1])], { nesterov: true }), /nesterov needs momentum/);
});

test('Adam first step moves each weight by about lr against its gradient sign', () => {
  const p = param([1, 1, 1]);
  const opt = new Adam([p], { lr: 0.01 });
  setGrad(p, [3, -0.5, 0]);
  opt.step();
  assertClose(p, [0.99, 1.01, 1], 1e-6, 0);
  assert.equal(opt.state.get(p)?.step, 1);
});

test('AdamW decays weights decoupled from the gradient; Adam adds the L2 term to it', () => {
  const a = param([2]);
  const w = new AdamW([a], { lr: 0.1, weightDecay: 0.5 });
  setGrad(a, [0]);
  w.step(); // θ·(1 − 0.05) = 1.9, the Adam part is 0 for a zero gradient
  assertClose(a, [1.9], 1e-6, 0);

  const b = param([2]);
  const l2 = new Adam([b], { lr: 0.1, weightDecay: 0.5 });
  setGrad(b, [0]);
  l2.step(); // g = 0.5·2 = 1 > 0, so θ moves by lr
  assertClose(b, [1.9], 1e-5, 0);
});

test('parameter groups keep their own hyper-parameters', () => {
  const a = param([1]);
  const b = param([1]);
  const opt = new SGD([{ params: [a] }, { params: [b], lr: 1 }], { lr: 0.1 });
  setGrad(a, [1]);
  setGrad(b, [1]);
  opt.step();
  assertClose(a, [0.9], 1e-6, 0);
  assertClose(b, [0], 1e-6, 0);
  assert.throws(() => opt.addParamGroup({ params: [a] }), /more than one group/);
});

test('zeroGrad drops gradients or fills them with zeros', () => {
  const p = param([1, 2]);
  const opt = new SGD([p], { lr: 0.1 });
  setGrad(p, [1, 1]);
  opt.zeroGrad({ setToNone: false });
  assert.deepEqual(Array.from(p.grad!.dense()), [0, 0]);
  opt.zeroGrad();
  assert.equal(p.grad, null);
  opt.step(); // no gradient: nothing moves
  assertClose(p, [1, 2], 0, 0);
});

for (const make of [
  (ps: Tensor[]) => new SGD(ps, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 }),
  (ps: Tensor[]) => new Adam(ps, { lr: 0.01 }),
  (ps: Tensor[]) => new AdamW([{ params: [ps[0]] }, { params: [ps[1]], weightDecay: 0 }], { lr: 0.01 }),
]) {
  test(`${make([param([0]), param([0])]).constructor.name} state dict resumes bitwise (through the flat file form)`, () => {
    const grads = [[0.3, -1], [0.5, 2], [-0.1, 0.7], [1.5, -0.2], [0.05, 0.05], [2, -3]];
    const run = (stopAt: number | null) => {
      let ps = [param([1, 2]), param([-1, 0.5])];
      let opt = make(ps);
      for (let i = 0; i < grads.length; i++) {
        if (i === stopAt) {
          const { tensors, json } = flattenOptimizerState(opt.stateDict());
          const values = ps.map((p) => Array.from(p.dense()));
          ps = values.map((v) => param(v));
          opt = make(ps);
          opt.paramGroups.forEach((g) => { g.lr = 123; });
          opt.loadStateDict(unflattenOptimizerState(tensors, JSON.parse(JSON.stringify(json))));
        }
        ps.forEach((p) => setGrad(p, grads[i]));
        opt.step();
      }
      return ps.flatMap((p) => Array.from(p.dense()));
    };
    assert.deepEqual(run(3), run(null));
  });
}

test('loadStateDict rejects a state for other parameters', () => {
  const opt = new Adam([param([1, 2])]);
  const other = new Adam([param([1, 2, 3])]);
  other.paramGroups[0].params[0].grad = tensor([1, 1, 1]);
  other.step();
  assert.throws(() => opt.loadStateDict(other.stateDict()), /expected shape \[2\], got \[3\]/);
  const two = new Adam([{ params: [param([1])] }, { params: [param([1])] }]);
  assert.throws(() => opt.loadStateDict(two.stateDict()), /expected 1 parameter groups, got 2/);
});

test('clipGradNorm scales to maxNorm and returns the norm before clipping', () => {
  const a = param([0, 0]);
  const b = param([0]);
  setGrad(a, [3, 0]);
  setGrad(b, [4]);
  const norm = clipGradNorm([a, b], 1);
  assert.ok(Math.abs(norm - 5) < 1e-6);
  assertClose(a.grad!, [0.6, 0], 1e-6, 0);
  assertClose(b.grad!, [0.8], 1e-6, 0);
  // Already inside the ball: untouched.
  assert.ok(Math.abs(clipGradNorm([a, b], 2) - 1) < 1e-5);
  assertClose(b.grad!, [0.8], 1e-6, 0);
});

test('clipGradNorm with the infinity norm and with p = 1', () => {
  const a = param([0, 0, 0]);
  setGrad(a, [1, -4, 2]);
  assert.equal(clipGradNorm(a, 2, Infinity), 4);
  assertClose(a.grad!, [0.5, -2, 1], 1e-6, 0);
  setGrad(a, [1, -4, 2]);
  assert.ok(Math.abs(clipGradNorm(a, 100, 1) - 7) < 1e-9);
  assert.throws(() => {
    setGrad(a, [NaN, 0, 0]);
    clipGradNorm(a, 1, 2, { errorIfNonfinite: true });
  }, /total norm of order 2/);
});

test('clipGradValue clamps each element', () => {
  const a = param([0, 0, 0]);
  setGrad(a, [1, -4, 0.25]);
  clipGradValue([a], 0.5);
  assertClose(a.grad!, [0.5, -0.5, 0.25], 0, 0);
});

test('weightDecayGroups decays matrices, not vectors', async () => {
  const { weightDecayGroups } = await import('./groups.js');
  const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const b = param([1, 1]);
  const frozen = tensor([[1]]);
  const groups = weightDecayGroups([w, b, frozen], 0.1);
  assert.deepEqual(groups.map((g) => [g.params.length, g.weightDecay]), [[1, 0.1], [1, 0]]);
  assert.equal(groups[0].params[0], w);
  const opt = new AdamW(groups, { lr: 0.1 });
  w.grad = tensor([[0, 0], [0, 0]]);
  b.grad = tensor([0, 0]);
  opt.step();
  assertClose(w, [0.99, 1.98, 2.97, 3.96], 1e-6, 0);
  assertClose(b, [1, 1], 0, 0);
  assert.equal(weightDecayGroups([b], 0.1).length, 1);
});

test('Adam with amsgrad divides by the running maximum of v; maximize climbs', () => {
  const run = (amsgrad: boolean) => {
    const p = param([1]);
    const opt = new Adam([p], { lr: 0.1, betas: [0.5, 0.5], eps: 0, amsgrad });
    setGrad(p, [1]);
    opt.step(); // m = v = 0.5: θ = 1 − 0.2·0.5/1 = 0.9
    setGrad(p, [0]);
    opt.step(); // m = v = 0.25, max v = 0.5
    return p.dense()[0];
  };
  assert.ok(Math.abs(run(true) - (0.9 - ((0.1 / 0.75) * 0.25) / (Math.sqrt(0.5) / Math.sqrt(0.75)))) < 1e-6);
  assert.ok(Math.abs(run(false) - (0.9 - ((0.1 / 0.75) * 0.25) / (Math.sqrt(0.25) / Math.sqrt(0.75)))) < 1e-6);
  const q = param([1]);
  const up = new AdamW([q], { lr: 0.1, weightDecay: 0, maximize: true });
  setGrad(q, [2]);
  up.step();
  assertClose(q, [1.1], 1e-6, 0);
});

test('saveOptimizerState / loadOptimizerState round-trip through a safetensors file', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { loadOptimizerState, saveOptimizerState } = await import('./serialize.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-opt-'));
  const file = path.join(dir, 'optimizer.safetensors');
  const p = param([1, 2]);
  const opt = new Adam([p], { lr: 0.01 });
  setGrad(p, [0.5, -1]);
  opt.step();
  saveOptimizerState(file, opt.stateDict());
  const q = param([1, 2]);
  const again = new Adam([q]);
  again.loadStateDict(loadOptimizerState(file));
  assert.equal(again.paramGroups[0].lr, 0.01);
  assert.deepEqual(Array.from((again.state.get(q)!.exp_avg as Tensor).dense()), Array.from((opt.state.get(p)!.exp_avg as Tensor).dense()));
  assert.equal(again.state.get(q)!.step, 1);
  fs.rmSync(dir, { recursive: true });
});
