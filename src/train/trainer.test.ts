import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LmkitError } from '../errors.js';
import { SGD } from '../optim/sgd.js';
import { StepLR } from '../optim/lr_scheduler.js';
import { full, tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Callback } from './callbacks.js';
import { readMetrics } from './metrics.js';
import { paramValues } from './testkit/runs.js';
import { mseLoss, regressionBatches, TinyRegression, type XYBatch } from './testkit/tiny.js';
import { Trainer, type TrainerOptions } from './trainer.js';

const sgd = (lr = 0.1) => (m: TinyRegression) => new SGD(m.parameters(), { lr });

function trainer(opts: Partial<TrainerOptions<TinyRegression, XYBatch>> = {}) {
  return new Trainer<TinyRegression, XYBatch>({ optimizer: sgd(), lossFn: mseLoss, progress: 'none', ...opts });
}

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-train-'));
}

test('training lowers the loss and is deterministic', async () => {
  const data = regressionBatches(16, 8);
  const run = async () => {
    const model = new TinyRegression();
    const history = await trainer({ maxEpochs: 3 }).fit(model, data);
    return { history, params: paramValues(model) };
  };
  const a = await run();
  const b = await run();
  assert.equal(a.history.length, 48);
  assert.ok(a.history[47].train_loss < a.history[0].train_loss / 10, `loss ${a.history[0].train_loss} → ${a.history[47].train_loss}`);
  assert.deepEqual(a.params, b.params);
  assert.equal(a.history[47].epoch, 2);
});

test('2 micro-batches of B/2 accumulate to the same update as one batch of B', async () => {
  const full8 = regressionBatches(3, 8);
  const halves = full8.flatMap(({ x, y }) => [
    { x: x.slice([0, 4]), y: y.slice([0, 4]) },
    { x: x.slice([4, 8]), y: y.slice([4, 8]) },
  ]);
  const one = new TinyRegression();
  const two = new TinyRegression();
  await trainer({ maxSteps: 3 }).fit(one, full8);
  const t = trainer({ maxSteps: 3, gradAccumSteps: 2 });
  const history = await t.fit(two, halves);
  assert.equal(t.step, 3);
  assert.equal(history.length, 3);
  const [pa, pb] = [paramValues(one).flat(), paramValues(two).flat()];
  pa.forEach((v, i) => assert.ok(Math.abs(v - pb[i]) < 1e-6, `param ${i}: ${v} vs ${pb[i]}`));
  assert.notDeepEqual(pa, paramValues(new TinyRegression()).flat());
});

test('gradients are the same for one batch of B and two accumulated halves', () => {
  const [{ x, y }] = regressionBatches(1, 8);
  const m1 = new TinyRegression();
  mseLoss(m1, { x, y }).backward();
  const m2 = new TinyRegression();
  mseLoss(m2, { x: x.slice([0, 4]), y: y.slice([0, 4]) }).div(2).backward();
  mseLoss(m2, { x: x.slice([4, 8]), y: y.slice([4, 8]) }).div(2).backward();
  const g1 = m1.parameters().flatMap((p) => Array.from((p.grad as Tensor).dense()));
  const g2 = m2.parameters().flatMap((p) => Array.from((p.grad as Tensor).dense()));
  g1.forEach((v, i) => assert.ok(Math.abs(v - g2[i]) < 1e-5, `grad ${i}: ${v} vs ${g2[i]}`));
});

test('a NaN loss stops training with an error naming the step', async () => {
  let calls = 0;
  const nanAt3 = (m: TinyRegression, b: XYBatch) => (++calls === 3 ? full([], NaN) : mseLoss(m, b));
  await assert.rejects(trainer({ maxSteps: 10, lossFn: nanAt3 }).fit(new TinyRegression(), regressionBatches(10, 4)),
    (e: unknown) => e instanceof LmkitError && e.code === 'NonFiniteLoss' && /loss is NaN at step 3/.test(e.message));
});

test("nonFiniteLoss: 'skip' drops the batch and counts it", async () => {
  let calls = 0;
  const infAt2 = (m: TinyRegression, b: XYBatch) => (++calls === 2 ? full([], Infinity) : mseLoss(m, b));
  const t = trainer({ maxSteps: 5, lossFn: infAt2, nonFiniteLoss: 'skip' });
  const history = await t.fit(new TinyRegression(), regressionBatches(10, 4));
  assert.equal(t.skippedBatches, 1);
  assert.equal(t.step, 5);
  assert.ok(Number.isNaN(history[1].train_loss));
  assert.ok(Number.isFinite(history[2].train_loss));
});

test('callbacks see the events in order; validation is the mean over evalIters batches', async () => {
  const events: string[] = [];
  const cb: Callback = {
    onTrainStart: () => { events.push('start'); },
    onStepEnd: (_t, m) => { events.push(`step${m.step}`); },
    onValidationEnd: (_t, m) => { events.push(`val${m.step}`); },
    onTrainEnd: () => { events.push('end'); },
  };
  const val = regressionBatches(5, 4, 99);
  const model = new TinyRegression();
  const t = trainer({ maxSteps: 4, evalInterval: 2, evalIters: 3, callbacks: [cb] });
  const history = await t.fit(model, regressionBatches(10, 4), val);
  assert.deepEqual(events, ['start', 'step1', 'step2', 'val2', 'step3', 'step4', 'val4', 'end']);
  const expected = val.slice(0, 3).reduce((s, b) => s + mseLoss(model, b).item(), 0) / 3;
  assert.ok(Math.abs((history[3].val_loss as number) - expected) < 1e-6);
  assert.equal(history[0].val_loss, undefined);
  assert.equal(t.stopReason, 'reached maxSteps (4)');
});

test('evalAtStart validates before the first step; evalTrainLoss estimates the train loss from evaluation batches first', async () => {
  const trainBatches = regressionBatches(50, 4, 1);
  const valBatches = regressionBatches(50, 4, 2);
  const drawn: string[] = [];
  let trainAt = 0;
  let evalTrainAt = 25;
  let valAt = 0;
  const source = {
    nextBatch: (split: 'train' | 'val') => (drawn.push(`next:${split}`), split === 'train' ? trainBatches[trainAt++] : valBatches[valAt++]),
    evalBatch: (split: 'train' | 'val') => (drawn.push(`eval:${split}`), split === 'train' ? trainBatches[evalTrainAt++] : valBatches[valAt++]),
  };
  const model = new TinyRegression();
  const start = paramValues(model);
  const history = await trainer({ maxSteps: 2, evalInterval: 2, evalIters: 2, evalAtStart: true, evalTrainLoss: true }).fit(model, source);
  assert.deepEqual(drawn, ['eval:train', 'eval:train', 'eval:val', 'eval:val', 'next:train', 'next:train',
    'eval:train', 'eval:train', 'eval:val', 'eval:val']);
  assert.deepEqual(history.map((r) => r.step), [0, 1, 2]);
  const initial = new TinyRegression();
  assert.deepEqual(paramValues(initial), start);
  const mean = (batches: XYBatch[]) => batches.reduce((s, b) => s + mseLoss(initial, b).item(), 0) / batches.length;
  assert.ok(Math.abs((history[0].train_eval_loss as number) - mean(trainBatches.slice(25, 27))) < 1e-6);
  assert.ok(Math.abs((history[0].val_loss as number) - mean(valBatches.slice(0, 2))) < 1e-6);
  assert.equal(history[0].train_loss, history[0].train_eval_loss, 'the step-0 row has no step loss: it shows the estimate');
  assert.equal(typeof history[2].train_eval_loss, 'number');
  await assert.rejects(trainer({ maxSteps: 1, evalTrainLoss: true }).fit(new TinyRegression(), source, regressionBatches(2, 4)),
    /evalIters must be set when evaluation batches come from nextBatch\("train"\)/);
});

test('validation runs in eval mode without recording a graph, then training mode returns', async () => {
  const modes: boolean[] = [];
  const model = new TinyRegression();
  const lossFn = (m: TinyRegression, b: XYBatch) => {
    modes.push(m.training);
    const loss = mseLoss(m, b);
    assert.equal(loss.requiresGrad, m.training);
    return loss;
  };
  await trainer({ maxSteps: 1, lossFn, evalIters: 2 }).fit(model, regressionBatches(2, 4), regressionBatches(2, 4));
  assert.deepEqual(modes, [true, false, false]);
  assert.equal(model.training, true);
});

test('a LightningModule-like model supplies its own loss', async () => {
  class Lit extends TinyRegression {
    valCalls = 0;
    trainingStep(b: XYBatch) {
      return mseLoss(this, b);
    }
    validationStep(b: XYBatch) {
      this.valCalls++;
      return mseLoss(this, b);
    }
  }
  const model = new Lit();
  const t = new Trainer<Lit, XYBatch>({ optimizer: (m) => new SGD(m.parameters(), { lr: 0.1 }), maxSteps: 3, progress: 'none' });
  await t.fit(model, regressionBatches(3, 4), regressionBatches(2, 4));
  assert.equal(model.valCalls, 2);
  await assert.rejects(new Trainer({ optimizer: sgd(), maxSteps: 1, progress: 'none' }).fit(new TinyRegression(), regressionBatches(1, 4)),
    /pass options.lossFn, or give the model a trainingStep/);
});

test('the LR schedule steps once per optimizer step and the metrics file has every step', async () => {
  const dir = tmpdir();
  const metricsFile = path.join(dir, 'metrics.jsonl');
  const plotFile = path.join(dir, 'loss.svg');
  const t = trainer({
    maxSteps: 6, gradAccumSteps: 2, gradClip: 0.5, evalInterval: 3, evalIters: 1, metricsFile, plotFile,
    scheduler: (o) => new StepLR(o, { stepSize: 2, gamma: 0.5 }),
  });
  await t.fit(new TinyRegression(), regressionBatches(20, 4), regressionBatches(1, 4));
  const rows = readMetrics(metricsFile);
  assert.deepEqual(rows.map((r) => r.step), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(rows.map((r) => r.lr), [0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
  assert.deepEqual(rows.map((r) => r.val_loss !== undefined), [false, false, true, false, false, true]);
  for (const r of rows) {
    assert.ok(r.tokens_per_s > 0 && r.elapsed > 0 && (r.grad_norm as number) > 0);
    assert.deepEqual(Object.keys(r).slice(0, 3), ['step', 'epoch', 'train_loss']);
  }
  const svg = fs.readFileSync(plotFile, 'utf8');
  assert.match(svg, /^<svg /);
  assert.match(svg, /train loss/);
  assert.match(svg, /validation loss/);
  fs.rmSync(dir, { recursive: true });
});

test('maxEpochs over an array, the last validation after the final step, and a one-shot iterator', async () => {
  const t = trainer({ maxEpochs: 2, gradAccumSteps: 2, evalIters: 1 });
  const history = await t.fit(new TinyRegression(), regressionBatches(5, 4), regressionBatches(2, 4));
  // 10 micro-batches in 2s across the epoch boundary: 5 steps.
  assert.equal(t.step, 5);
  assert.equal(t.stopReason, 'reached maxEpochs (2)');
  assert.ok(history[4].val_loss !== undefined);

  function* gen() {
    yield* regressionBatches(3, 4);
  }
  const t2 = trainer({ maxSteps: 10 });
  await t2.fit(new TinyRegression(), gen());
  assert.equal(t2.step, 3);
});

test('maxTime stops training, and so does stop()', async () => {
  const slow = (m: TinyRegression, b: XYBatch) => {
    const until = Date.now() + 20;
    while (Date.now() < until) { /* spin */ }
    return mseLoss(m, b);
  };
  const t = trainer({ maxSteps: 1000, maxTime: 0.1, lossFn: slow });
  await t.fit(new TinyRegression(), { nextBatch: () => regressionBatches(1, 4)[0] });
  assert.ok(t.step >= 1 && t.step <= 6, `steps ${t.step}`);
  assert.match(t.stopReason ?? '', /maxTime/);

  const s = trainer({ maxSteps: 100, callbacks: [{ onStepEnd: (tr, m) => { if (m.step === 3) tr.stop('enough'); } }] });
  await s.fit(new TinyRegression(), { nextBatch: () => regressionBatches(1, 4)[0] });
  assert.equal(s.step, 3);
  assert.equal(s.stopReason, 'enough');
});

test('option checks name the field', () => {
  assert.throws(() => trainer({ gradAccumSteps: 0 }), /gradAccumSteps must be an integer >= 1, got 0/);
  assert.throws(() => trainer({ maxTime: -1 }), /maxTime must be > 0 seconds/);
  const bad = trainer({ maxSteps: 1, lossFn: () => tensor([1, 2]) });
  return assert.rejects(bad.fit(new TinyRegression(), regressionBatches(1, 4)), /one-element tensor, got shape \[2\]/);
});

test('an nn classifier (Linear → ReLU → Linear, cross-entropy) learns a separable problem', async () => {
  const { Linear, ReLU, Sequential } = await import('../nn/index.js');
  const { crossEntropy } = await import('../autograd/ops/loss.js');
  const { AdamW } = await import('../optim/adam.js');
  const { Generator } = await import('../tensor/random.js');
  const { randn, zeros } = await import('../tensor/create.js');
  const g = new Generator(3);
  const batches = Array.from({ length: 8 }, () => {
    const x = randn([16, 2], { generator: g });
    const y = zeros([16], { dtype: 'int32' });
    for (let i = 0; i < 16; i++) y.data[i] = x.data[2 * i] + x.data[2 * i + 1] > 0 ? 1 : 0;
    return { x, y };
  });
  const model = new Sequential(new Linear(2, 16, { generator: g }), new ReLU(), new Linear(16, 2, { generator: g }));
  const t = new Trainer<typeof model, { x: Tensor; y: Tensor }>({
    optimizer: (m) => new AdamW(m.parameters(), { lr: 0.02 }), lossFn: (m, b) => crossEntropy(m.call(b.x), b.y),
    maxEpochs: 15, evalIters: 2, progress: 'none',
  });
  const history = await t.fit(model, batches, batches.slice(0, 2));
  assert.ok((history[history.length - 1].val_loss as number) < 0.25, `val loss ${history[history.length - 1].val_loss}`);
  assert.ok(history[0].train_loss > 0.4);
});
