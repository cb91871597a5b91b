import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { sharedDir, SHARED_MISSING } from '../testing/shared.js';
import { runParity } from './runner.js';

const SHARED = sharedDir();
const skip = SHARED ? false : SHARED_MISSING;

test('the gpt2-tiny checkpoint matches Hugging Face: logits, lm_loss and the greedy continuation', { skip }, async () => {
  const s = await runParity(path.join(SHARED!, 'fixtures/torch/gpt2-tiny'));
  assert.equal(s.outcomes.length, 1);
  assert.equal(s.outcomes[0].status, 'pass', s.outcomes[0].detail);
  assert.ok(s.outcomes[0].maxErr < 1e-4);
});

test('bert-tiny is skipped with a reason', { skip }, async () => {
  const s = await runParity(path.join(SHARED!, 'fixtures/torch/bert-tiny'));
  assert.equal(s.outcomes[0].status, 'skip');
  assert.match(s.outcomes[0].detail ?? '', /BertForPreTraining is not implemented/);
});
