import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metricsLine } from './metrics.js';
import { lossCurveSvg, niceTicks } from './plot.js';
import { BarProgress, createProgress, formatDuration, LogProgress, NoProgress } from './progress.js';
import type { StepMetrics } from './types.js';

const row = (step: number, loss: number, val?: number): StepMetrics =>
  ({ step, epoch: 0, train_loss: loss, lr: 1e-3, tokens_per_s: 1000, elapsed: step * 0.5, ...(val === undefined ? {} : { val_loss: val }) });

test('formatDuration', () => {
  assert.equal(formatDuration(4.2), '4s');
  assert.equal(formatDuration(75), '1m15s');
  assert.equal(formatDuration(3725), '1h02m');
  assert.equal(formatDuration(NaN), '?');
});

test('log lines every logInterval steps and at each validation', () => {
  const lines: string[] = [];
  const p = new LogProgress(2, (l) => lines.push(l));
  p.start(0, 4);
  for (let s = 1; s <= 4; s++) p.step(row(s, 3 - s * 0.5));
  p.validation(row(4, 1, 1.25));
  assert.equal(lines[0], 'training for 4 steps');
  assert.match(lines[1], /^step 2\/4 \| loss 2\.0000 \| lr 1\.00e-3 \| 1000 tok\/s \| 1s \| eta 1s$/);
  assert.match(lines[2], /^step 4\/4 \| loss 1\.0000/);
  assert.equal(lines[3], 'step 4: train loss 1.0000, val loss 1.2500');
  assert.equal(lines.length, 4);
});

test('the progress mode: plain lines under CI or without a terminal', () => {
  const saved = process.env.CI;
  process.env.CI = 'true';
  try {
    assert.ok(createProgress('auto', { logInterval: 10, totalSteps: 5 }) instanceof LogProgress);
    assert.ok(createProgress('bar', { logInterval: 10, totalSteps: 5 }) instanceof BarProgress);
    assert.ok(createProgress('bar', { logInterval: 10 }) instanceof LogProgress);
    assert.ok(createProgress('none', { logInterval: 10 }) instanceof NoProgress);
  } finally {
    if (saved === undefined) delete process.env.CI;
    else process.env.CI = saved;
  }
});

test('metrics lines put the standard fields first', () => {
  const line = metricsLine({ ...row(3, 2, 1.5), grad_norm: 0.5, custom: 7 });
  assert.equal(line, '{"step":3,"epoch":0,"train_loss":2,"val_loss":1.5,"lr":0.001,"tokens_per_s":1000,"elapsed":1.5,"grad_norm":0.5,"custom":7}');
});

test('nice ticks are round and cover the range', () => {
  assert.deepEqual(niceTicks(0, 300), [0, 50, 100, 150, 200, 250, 300]);
  assert.deepEqual(niceTicks(1.13, 2.9), [1.5, 2, 2.5]);
  assert.deepEqual(niceTicks(0, 0.07), [0, 0.02, 0.04, 0.06]);
});

test('the loss plot draws both curves with a legend, and copes with one point', () => {
  const svg = lossCurveSvg([row(1, 4), row(2, 3, 3.5), row(3, 2), row(4, 1.5, 2)], { title: 'Run <1>' });
  assert.equal((svg.match(/<path /g) ?? []).length, 2);
  assert.equal((svg.match(/<circle /g) ?? []).length, 3); // two validation points + the legend marker
  assert.match(svg, /Run &lt;1&gt;/);
  assert.match(svg, />step</);
  const one = lossCurveSvg([row(1, 2)]);
  assert.match(one, /train loss/);
  assert.doesNotMatch(one, /validation loss|NaN/);
});
