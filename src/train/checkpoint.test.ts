import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { saveSafetensors } from '../io/safetensors.js';
import { Adam } from '../optim/adam.js';
import { tensor } from '../tensor/create.js';
import { defaultGenerator } from '../tensor/random.js';
import { CHECKPOINT_FORMAT, checkpointBytes, loadCheckpoint, type TrainingState, writeCheckpointFiles } from './checkpoint.js';

const state = (): TrainingState => ({
  format: CHECKPOINT_FORMAT, version: 1, step: 7, elapsed: 1.5, skippedBatches: 0,
  data: { train: { epoch: 1, batchesInEpoch: 2, source: { position: 3 } } }, scheduler: { last_step: 7, base_lrs: [0.1] },
  rng: { default: defaultGenerator.getState(), generators: [] }, callbacks: { X: { best: [1, 2] } },
  history: [{ step: 7, epoch: 1, train_loss: 0.5, lr: 0.1, tokens_per_s: 10, elapsed: 1.5 }],
});

test('a checkpoint round-trips float32 and float64 tensors, optimizer state and JSON state exactly', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-ck-'));
  const w = tensor([0.1, 0.2, 1 / 3], { dtype: 'float64', requiresGrad: true });
  const b = tensor([1 / 3, -2], { requiresGrad: true });
  const opt = new Adam([w, b]);
  w.grad = tensor([1, 2, 3], { dtype: 'float64' });
  b.grad = tensor([1, 1]);
  opt.step();
  const files = [path.join(dir, 'a.safetensors'), path.join(dir, 'sub/b.safetensors')];
  writeCheckpointFiles(checkpointBytes(new Map([['w', w], ['b', b]]), opt.stateDict(), state()), files);
  for (const f of files) {
    const ck = loadCheckpoint(f);
    assert.equal(ck.model.get('w')!.dtype, 'float64');
    assert.deepEqual(Array.from(ck.model.get('w')!.dense()), Array.from(w.dense()));
    assert.deepEqual(Array.from(ck.model.get('b')!.dense()), Array.from(b.dense()));
    assert.deepEqual(ck.state, state());
    const sd = opt.stateDict();
    assert.deepEqual(ck.optimizer.param_groups, sd.param_groups);
    assert.equal(ck.optimizer.state['0'].step, 1);
    assert.deepEqual(Array.from((ck.optimizer.state['0'].exp_avg_sq as ReturnType<typeof tensor>).dense()),
      Array.from((sd.state['0'].exp_avg_sq as ReturnType<typeof tensor>).dense()));
    const again = new Adam([tensor([0, 0, 0], { dtype: 'float64', requiresGrad: true }), tensor([0, 0], { requiresGrad: true })]);
    again.loadStateDict(ck.optimizer);
  }
  fs.rmSync(dir, { recursive: true });
});

test('loading something that is not a training checkpoint says so', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-ck-'));
  const plain = path.join(dir, 'weights.safetensors');
  saveSafetensors(plain, { w: tensor([1]) });
  assert.throws(() => loadCheckpoint(plain), /not a training checkpoint/);
  const other = path.join(dir, 'other.safetensors');
  saveSafetensors(other, { w: tensor([1]) }, { lmkit_training: JSON.stringify({ format: 'x', version: 9 }) });
  assert.throws(() => loadCheckpoint(other), /expected format lmkit.training-checkpoint version 1, got x version 9/);
  fs.rmSync(dir, { recursive: true });
});

test('a checkpoint whose generator state is not the current generator\'s is a clear error on resume', async () => {
  const { Trainer } = await import('./trainer.js');
  const { Linear } = await import('../nn/linear.js');
  const { SGD } = await import('../optim/sgd.js');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-oldrng-')), 'old.safetensors');
  const model = new Linear(2, 1);
  const optimizer = new SGD(model.parameters(), { lr: 0.1 });
  const old = { ...state(), rng: { default: { s: [1, 2, 3, 4], spareNormal: null }, generators: [] } } as unknown as TrainingState;
  writeCheckpointFiles(checkpointBytes(model.stateDict(), optimizer.stateDict(), old), [file]);
  const trainer = new Trainer({ optimizer, maxSteps: 1, resumeFrom: file, lossFn: () => model.weight.sum(), progress: 'none' });
  await assert.rejects(trainer.fit(model, [[0]]), (e: Error & { code?: string }) => e.code === 'StateDictMismatch' && /random-generator state/.test(e.message));
});
