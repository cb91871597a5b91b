import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { SGD } from '../optim/sgd.js';
import { loadCheckpoint } from './checkpoint.js';
import { paramValues, resumableRun } from './testkit/runs.js';
import { mseLoss, regressionBatches, TinyRegression, type XYBatch } from './testkit/tiny.js';
import { Trainer } from './trainer.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function tmpdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-resume-'));
}

test('20 steps equal 10 steps, then a new process that resumes and runs 10 more (bitwise)', () => {
  return (async () => {
    const dir = tmpdir();
    const straight = await resumableRun({ maxSteps: 20 });
    const first = await resumableRun({ maxSteps: 10, dirpath: dir });
    assert.notDeepEqual(first, straight);
    const ckpt = path.join(dir, 'last.safetensors');
    assert.equal(loadCheckpoint(ckpt).state.step, 10);
    const child = spawnSync(process.execPath, [path.join(here, 'testkit/resume-child.js'), ckpt, '20'], { encoding: 'utf8' });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), straight);
    fs.rmSync(dir, { recursive: true });
  })();
});

test('resuming an iterable without its own state skips the batches already used (mid-epoch)', async () => {
  const dir = tmpdir();
  const data = regressionBatches(7, 4);
  const make = (maxSteps: number, resumeFrom?: string) => new Trainer<TinyRegression, XYBatch>({
    optimizer: (m) => new SGD(m.parameters(), { lr: 0.05, momentum: 0.9 }), lossFn: mseLoss, maxSteps, gradAccumSteps: 2,
    progress: 'none', resumeFrom,
  });
  const straight = new TinyRegression();
  await make(9).fit(straight, data);
  const first = new TinyRegression();
  const t = make(5);
  await t.fit(first, data);
  await t.saveCheckpoint(path.join(dir, 'ck.safetensors'));
  assert.deepEqual(loadCheckpoint(path.join(dir, 'ck.safetensors')).state.data.train, { epoch: 1, batchesInEpoch: 3 });
  const resumed = new TinyRegression(3, 999);
  const t2 = make(9, path.join(dir, 'ck.safetensors'));
  const history = await t2.fit(resumed, data);
  assert.deepEqual(paramValues(resumed), paramValues(straight));
  assert.deepEqual(history.map((r) => r.step), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  fs.rmSync(dir, { recursive: true });
});

test('a process killed (SIGKILL) while saving leaves the previous checkpoint loadable', async (t) => {
  const dir = tmpdir();
  const file = path.join(dir, 'last.safetensors');
  const n = 1 << 19; // 2 MiB of float32 per checkpoint (each save is fsynced)
  let lastSeen = 0;
  let midWrite = 0;
  for (let round = 0; round < 3; round++) {
    const child = spawn(process.execPath, [path.join(here, 'testkit/save-loop-child.js'), file, String(n)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/saved \d+\n/.test(out)) resolve();
      });
      child.on('exit', (code) => reject(new Error(`save loop exited early with ${code}`)));
    });
    if (round === 0) {
      // A random moment.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 200));
    } else {
      // As soon as the next checkpoint's temporary file appears: in the middle of its write.
      const until = Date.now() + 5000;
      while (Date.now() < until && !fs.readdirSync(dir).some((f) => f.endsWith('.tmp'))) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    }
    const exited = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const ck = loadCheckpoint(file);
    const w = ck.model.get('w')!.dense();
    assert.equal(w.length, n);
    assert.ok(w.every((v) => v === w[0]), 'every element of the saved parameter is the same value');
    const saved = [...out.matchAll(/saved (\d+)/g)].map((m) => Number(m[1]));
    assert.ok(ck.state.step >= saved[saved.length - 1], `checkpoint step ${ck.state.step} is at least the last reported save`);
    assert.ok(ck.state.step >= 1);
    lastSeen = ck.state.step;
    // A temporary file left behind means the kill landed in the middle of writing a checkpoint.
    const temps = fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'));
    if (temps.length > 0) midWrite++;
    for (const f of temps) fs.rmSync(path.join(dir, f));
  }
  t.diagnostic(`${midWrite} of 3 kills landed while a checkpoint was being written`);
  // ModelCheckpoint clears what a killed writer left behind (and only that).
  const { ModelCheckpoint } = await import('./callbacks.js');
  const stale = path.join(dir, '.last.safetensors.999999999.0badc0ffee.tmp');
  const live = path.join(dir, `.last.safetensors.${process.pid}.0badc0ffee.tmp`);
  fs.writeFileSync(stale, 'partial');
  fs.writeFileSync(live, 'partial');
  new ModelCheckpoint({ dirpath: dir }).onTrainStart();
  assert.deepEqual(fs.readdirSync(dir).sort(), ['.last.safetensors.' + process.pid + '.0badc0ffee.tmp', 'last.safetensors']);
  assert.ok(lastSeen >= 1);
  fs.rmSync(dir, { recursive: true });
});

test("resuming with lmkit's shuffling DataLoader continues its batch order mid-epoch", async () => {
  const { DataLoader } = await import('../data/dataloader.js');
  const { tensor } = await import('../tensor/create.js');
  const items = regressionBatches(1, 22)[0];
  const dataset = { length: 22, get: (i: number) => i };
  const loader = () => new DataLoader<number, XYBatch>(dataset, {
    batchSize: 4, shuffle: true, seed: 5,
    collate: (idx) => ({
      x: tensor(idx.flatMap((i) => Array.from(items.x.dense().slice(3 * i, 3 * i + 3))), { shape: [idx.length, 3] }),
      y: tensor(idx.map((i) => items.y.dense()[i]), { shape: [idx.length, 1] }),
    }),
  });
  const dir = tmpdir();
  const make = (maxSteps: number, resumeFrom?: string) => new Trainer<TinyRegression, XYBatch>({
    optimizer: (m) => new SGD(m.parameters(), { lr: 0.05 }), lossFn: mseLoss, maxSteps, progress: 'none', resumeFrom,
  });
  const straight = new TinyRegression();
  await make(15, undefined).fit(straight, loader());
  const t = make(8);
  await t.fit(new TinyRegression(), loader());
  await t.saveCheckpoint(path.join(dir, 'ck.safetensors'));
  const resumed = new TinyRegression(3, 5);
  await make(15, path.join(dir, 'ck.safetensors')).fit(resumed, loader());
  assert.deepEqual(paramValues(resumed), paramValues(straight));
  // A different data order would not give the same parameters.
  const other = new TinyRegression();
  await make(15).fit(other, regressionBatches(6, 4));
  assert.notDeepEqual(paramValues(other), paramValues(straight));
  fs.rmSync(dir, { recursive: true });
});
