import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SGD } from '../optim/sgd.js';
import { full } from '../tensor/create.js';
import { EarlyStopping, ModelCheckpoint } from './callbacks.js';
import { loadCheckpoint } from './checkpoint.js';
import { mseLoss, regressionBatches, TinyRegression, type XYBatch } from './testkit/tiny.js';
import { Trainer } from './trainer.js';

/** A model whose validation loss follows a script, one value per validation. */
class Scripted extends TinyRegression {
  private i = 0;
  constructor(private readonly valLosses: number[]) {
    super();
  }
  trainingStep(b: XYBatch) {
    return mseLoss(this, b);
  }
  validationStep() {
    return full([], this.valLosses[Math.min(this.i++, this.valLosses.length - 1)]);
  }
}

function scriptedTrainer(callbacks: (ModelCheckpoint | EarlyStopping)[], maxSteps = 100) {
  return new Trainer<Scripted, XYBatch>({
    optimizer: (m) => new SGD(m.parameters(), { lr: 0.01 }), maxSteps, evalInterval: 1, evalIters: 1, progress: 'none', callbacks,
  });
}

test('EarlyStopping stops after `patience` validations without an improvement of more than minDelta', async () => {
  const es = new EarlyStopping({ patience: 2, minDelta: 0.05 });
  const t = scriptedTrainer([es]);
  // 1.0 → 0.9 improves; 0.88 is within minDelta (wait 1); 0.95 (wait 2) stops at step 4.
  await t.fit(new Scripted([1, 0.9, 0.88, 0.95, 0.1]), regressionBatches(10, 4), regressionBatches(1, 4));
  assert.equal(t.step, 4);
  assert.equal(es.stoppedStep, 4);
  assert.ok(Math.abs(es.best - 0.9) < 1e-6);
  assert.match(t.stopReason ?? '', /early stopping: val_loss did not improve for 2 validations/);

  const up = new EarlyStopping({ patience: 1, mode: 'max', monitor: 'val_loss' });
  const t2 = scriptedTrainer([up]);
  await t2.fit(new Scripted([1, 2, 3, 2.5]), regressionBatches(10, 4), regressionBatches(1, 4));
  assert.equal(t2.step, 4);
});

test('ModelCheckpoint keeps the best k by the monitored metric plus the last', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-ckpt-'));
  const mc = new ModelCheckpoint({ dirpath: dir, saveTopK: 2 });
  const model = new Scripted([5, 3, 4, 1, 2]);
  await scriptedTrainer([mc], 5).fit(model, regressionBatches(10, 4), regressionBatches(1, 4));
  assert.deepEqual(fs.readdirSync(dir).sort(), [
    'last.safetensors', 'step=000004-val_loss=1.0000.safetensors', 'step=000005-val_loss=2.0000.safetensors',
  ]);
  assert.equal(mc.bestModelPath, path.join(dir, 'step=000004-val_loss=1.0000.safetensors'));
  const best = loadCheckpoint(mc.bestModelPath as string);
  assert.equal(best.state.step, 4);
  assert.equal(best.state.history[3].val_loss, 1);
  const last = loadCheckpoint(mc.lastPath);
  assert.equal(last.state.step, 5);
  assert.deepEqual(Array.from(last.model.get('w')!.dense()), Array.from(model.w.dense()));
  // The checkpoint remembers the ranking, so a resumed run keeps pruning correctly.
  const saved = last.state.callbacks.ModelCheckpoint as { best: { step: number }[] };
  assert.deepEqual(saved.best.map((b) => b.step), [4, 5]);
  fs.rmSync(dir, { recursive: true });
});

test('ModelCheckpoint in max mode with everyNSteps, and saveTopK 0 keeps only last', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-ckpt-'));
  const seen: string[][] = [];
  const mc = new ModelCheckpoint({ dirpath: dir, saveTopK: 1, mode: 'max' });
  const t = scriptedTrainer([mc], 3);
  t.options.callbacks!.push({ onCheckpoint: (_t, paths) => { seen.push(paths.map((p) => path.basename(p))); } });
  await t.fit(new Scripted([1, 3, 2]), regressionBatches(10, 4), regressionBatches(1, 4));
  assert.deepEqual(fs.readdirSync(dir).sort(), ['last.safetensors', 'step=000002-val_loss=3.0000.safetensors']);
  assert.deepEqual(seen, [
    ['step=000001-val_loss=1.0000.safetensors', 'last.safetensors'],
    ['step=000002-val_loss=3.0000.safetensors', 'last.safetensors'],
    ['last.safetensors'],
  ]);

  const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-ckpt-'));
  const every = new ModelCheckpoint({ dirpath: dir2, saveTopK: 0, everyNSteps: 2 });
  const t2 = new Trainer<TinyRegression, XYBatch>({ optimizer: (m) => new SGD(m.parameters()), lossFn: mseLoss, maxSteps: 4,
    progress: 'none', callbacks: [every] });
  await t2.fit(new TinyRegression(), regressionBatches(10, 4));
  assert.deepEqual(fs.readdirSync(dir2), ['last.safetensors']);
  assert.equal(loadCheckpoint(every.lastPath).state.step, 4);
  fs.rmSync(dir, { recursive: true });
  fs.rmSync(dir2, { recursive: true });
});

test('stopOnInterrupt: Ctrl-C stops after the step and ModelCheckpoint saves last', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-ckpt-'));
  const listeners = process.listenerCount('SIGINT');
  const t = new Trainer<TinyRegression, XYBatch>({
    optimizer: (m) => new SGD(m.parameters(), { lr: 0.01 }), lossFn: mseLoss, maxSteps: 100, progress: 'none', stopOnInterrupt: true,
    callbacks: [
      { onStepEnd: (_t, m) => { if (m.step === 2) process.emit('SIGINT', 'SIGINT'); } },
      new ModelCheckpoint({ dirpath: dir }),
    ],
  });
  await t.fit(new TinyRegression(), regressionBatches(10, 4));
  assert.equal(t.step, 2);
  assert.equal(t.stopReason, 'interrupted (SIGINT)');
  assert.equal(loadCheckpoint(path.join(dir, 'last.safetensors')).state.step, 2);
  assert.equal(process.listenerCount('SIGINT'), listeners);
  fs.rmSync(dir, { recursive: true });
});

test('evalMetrics are averaged into the row and can be monitored; a missing monitor is an error', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-ckpt-'));
  const mc = new ModelCheckpoint({ dirpath: dir, monitor: 'val_score', mode: 'max', saveLast: false });
  let calls = 0;
  const t = new Trainer<TinyRegression, XYBatch>({
    optimizer: (m) => new SGD(m.parameters(), { lr: 0.01 }), lossFn: mseLoss, maxSteps: 2, evalInterval: 1, evalIters: 2,
    progress: 'none', callbacks: [mc], evalMetrics: () => ({ val_score: ++calls }),
  });
  const history = await t.fit(new TinyRegression(), regressionBatches(4, 4), regressionBatches(2, 4));
  assert.deepEqual(history.map((r) => r.val_score), [1.5, 3.5]);
  assert.deepEqual(fs.readdirSync(dir), ['step=000002-val_score=3.5000.safetensors']);
  const bad = new Trainer<TinyRegression, XYBatch>({
    optimizer: (m) => new SGD(m.parameters()), lossFn: mseLoss, maxSteps: 1, progress: 'none',
    callbacks: [new EarlyStopping({ monitor: 'val_acc' })],
  });
  await assert.rejects(bad.fit(new TinyRegression(), regressionBatches(1, 4), regressionBatches(1, 4)),
    /monitor "val_acc" is not among the validation metrics \(step, epoch, train_loss, lr, tokens_per_s, elapsed, val_loss\)/);
  fs.rmSync(dir, { recursive: true });
});
