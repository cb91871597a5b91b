import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { sharedDir, SHARED_MISSING } from '../testing/shared.js';
import { kindHandler } from './registry.js';
import { runParity } from './runner.js';

const SHARED = sharedDir();
const skip = SHARED ? false : SHARED_MISSING;

test('the gpt2-tiny checkpoint matches Hugging Face: logits, lm_loss and the greedy continuation', { skip }, async () => {
  const s = await runParity(path.join(SHARED!, 'fixtures/torch/gpt2-tiny'));
  assert.equal(s.outcomes.length, 1);
  assert.equal(s.outcomes[0].status, 'pass', s.outcomes[0].detail);
  assert.ok(s.outcomes[0].maxErr < 1e-4);
});

test('the bert-tiny checkpoint matches Hugging Face: last_hidden_state, mlm_logits and nsp_logits', { skip }, async () => {
  const s = await runParity(path.join(SHARED!, 'fixtures/torch/bert-tiny'));
  assert.equal(s.outcomes.length, 1);
  assert.equal(s.outcomes[0].status, 'pass', s.outcomes[0].detail);
  assert.ok(s.outcomes[0].maxErr < 1e-4);
});

test('an architecture the runner does not know is skipped with a reason', async () => {
  const handler = kindHandler('checkpoint')!;
  const r = await handler({ name: 'x', kind: 'checkpoint', architecture: 'T5ForConditionalGeneration' }, { dir: '.' });
  assert.equal(r.status, 'skip');
  assert.match(r.detail ?? '', /T5ForConditionalGeneration is not implemented yet \(implemented: GPT2LMHeadModel, BertForPreTraining\)/);
});
