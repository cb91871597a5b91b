import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tensor } from '../tensor/create.js';
import { CosineAnnealingLR, ExponentialLR, LambdaLR, LinearLR, type LRScheduler, StepLR, WarmupCosineLR, warmupCosineLr } from './lr_scheduler.js';
import { SGD } from './sgd.js';

function sgd(lr = 1) {
  return new SGD([tensor([0], { requiresGrad: true })], { lr });
}

/** The rate of steps 0..n-1 as the optimizer sees it when it steps. */
function rates(s: LRScheduler, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    out.push(s.optimizer.paramGroups[0].lr);
    s.step();
  }
  return out;
}

function close(actual: number[], expected: number[]): void {
  assert.equal(actual.length, expected.length);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) < 1e-12, `step ${i}: ${a} vs ${expected[i]}`));
}

test('StepLR halves every 2 steps', () => {
  close(rates(new StepLR(sgd(1), { stepSize: 2, gamma: 0.5 }), 6), [1, 1, 0.5, 0.5, 0.25, 0.25]);
});

test('LambdaLR multiplies the base rate per group', () => {
  const opt = new SGD([{ params: [tensor([0], { requiresGrad: true })] }, { params: [tensor([0], { requiresGrad: true })], lr: 2 }], { lr: 1 });
  const s = new LambdaLR(opt, [(t) => 1 / (t + 1), (t) => t]);
  s.step();
  s.step();
  close(s.getLastLr(), [1 / 3, 4]);
});

test('LinearLR ramps the factor then holds it', () => {
  close(rates(new LinearLR(sgd(2), { startFactor: 0.5, endFactor: 1, totalIters: 4 }), 6), [1, 1.25, 1.5, 1.75, 2, 2]);
  close(rates(new LinearLR(sgd(1), { startFactor: 1, endFactor: 0, totalIters: 2 }), 4), [1, 0.5, 0, 0]);
});

test("WarmupCosineLR is nanoGPT's get_lr", () => {
  // warmup 4, decay to 0.1 at step 10: (t+1)/5 for t < 4, then 0.1 + 0.9·½(1 + cos(π(t−4)/6)), 0.1 after step 10.
  const expected = [0.2, 0.4, 0.6, 0.8, 1, 0.1 + 0.45 * (1 + Math.cos(Math.PI / 6)), 0.1 + 0.45 * (1 + Math.cos(Math.PI / 3)),
    0.55, 0.1 + 0.45 * (1 + Math.cos((2 * Math.PI) / 3)), 0.1 + 0.45 * (1 + Math.cos((5 * Math.PI) / 6)), 0.1, 0.1];
  close(rates(new WarmupCosineLR(sgd(1), { warmupSteps: 4, lrDecaySteps: 10, minLr: 0.1 }), 12), expected);
  assert.equal(warmupCosineLr(7, 1, { warmupSteps: 4, lrDecaySteps: 10, minLr: 0.1, decay: 'linear' }), 0.55);
});

test('a scheduler state dict resumes the schedule', () => {
  const a = new WarmupCosineLR(sgd(1), { warmupSteps: 3, lrDecaySteps: 9, minLr: 0.01 });
  rates(a, 5);
  const b = new WarmupCosineLR(sgd(1), { warmupSteps: 3, lrDecaySteps: 9, minLr: 0.01 });
  b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())));
  close(rates(b, 6), rates(a, 6));
  const other = new WarmupCosineLR(sgd(1), { warmupSteps: 2, lrDecaySteps: 9, minLr: 0.01 });
  assert.throws(() => other.loadStateDict(a.stateDict()), /warmup_steps expected 2, got 3/);
});

test('ExponentialLR and CosineAnnealingLR', () => {
  close(rates(new ExponentialLR(sgd(2), 0.5), 4), [2, 1, 0.5, 0.25]);
  // T = 4, ηmin = 0.1: 1, 0.1 + 0.45·(1 + cos(π/4)), 0.55, 0.1 + 0.45·(1 − cos(π/4)), 0.1, 0.1
  const c = Math.SQRT1_2;
  close(rates(new CosineAnnealingLR(sgd(1), { tMax: 4, etaMin: 0.1 }), 6), [1, 0.1 + 0.45 * (1 + c), 0.55, 0.1 + 0.45 * (1 - c), 0.1, 0.1]);
});
