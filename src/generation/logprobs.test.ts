import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecodingRun } from './generate.js';
import { logprobOf, promptLogprobs } from './logprobs.js';
import { resolveOptions } from './options.js';
import { TableModel } from './toy-model.test-util.js';

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 1e-6, `${what}: ${a} vs ${b}`);

test('logprobOf: log-softmax at the token and the top alternatives, best first, ties by lower id', () => {
  const logZ = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3) + Math.exp(2));
  const r = logprobOf([9, 1, 2, 3, 2], 1, 4, 0, 3);
  close(r.logprob, 1 - logZ, 'logprob');
  assert.deepEqual(r.top.map((t) => t.token), [2, 1, 3]);
  r.top.forEach((t, i) => close(t.logprob, [3, 2, 2][i] - logZ, `top ${i}`));
  assert.deepEqual(logprobOf([0, 0], 0, 2, 1, 0).top, []);
});

// p(next | current): 0 → 1 (0.6) or 2 (0.4); 1 → 2 (0.9); 2 → 0 (0.7)
const TABLE = [[0.0, 0.6, 0.4], [0.05, 0.05, 0.9], [0.7, 0.2, 0.1]];

test('a decoding run records the raw model\'s log-probabilities, whatever the processors do', () => {
  const model = new TableModel(TABLE);
  const run = new DecodingRun(model, [[0]], resolveOptions(model, { maxNewTokens: 4, doSample: true, temperature: 0.3, topK: 2, seed: 3 }));
  run.recordLogprobs(1);
  while (!run.finished) run.step();
  const row = run.rows[0];
  run.logprobs[0].forEach((lp, i) => {
    assert.equal(lp.token, row[i + 1]);
    close(lp.logprob, Math.log(TABLE[row[i]][row[i + 1]]), `token ${i}`);
    const best = TABLE[row[i]].indexOf(Math.max(...TABLE[row[i]]));
    assert.equal(lp.top[0].token, best);
  });
  assert.equal(run.logprobs[0].length, 4);
});

test('promptLogprobs: each prompt token given the ones before it, none for the first', () => {
  const scored = promptLogprobs(new TableModel(TABLE), [0, 2, 0, 1], 0);
  assert.equal(scored[0], null);
  [[0, 2], [2, 0], [0, 1]].forEach(([a, b], i) => close(scored[i + 1]!.logprob, Math.log(TABLE[a][b]), `position ${i + 1}`));
});
