import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../autograd/index.js';
import { TableModel } from '../generation/toy-model.test-util.js';
import { GPT } from '../models/gpt.js';
import { LSTMLanguageModel } from '../models/rnn-lm.js';
import type { CausalLM } from '../generation/types.js';
import { tensor } from '../tensor/create.js';
import { manualSeed } from '../tensor/random.js';
import { rescoreNBest, scoreSentences } from './lm-scoring.js';

/** Characters 'a'..'h' are ids 1..8; 0 is BOS/padding. */
const chars = { encodeIds: (text: string) => [...text.replace(/ /g, '')].map((c) => c.charCodeAt(0) - 96) };

const models: [string, () => CausalLM & { eval(): unknown }][] = [
  ['GPT', () => new GPT({ vocabSize: 9, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 8, dropout: 0 })],
  ['LSTM LM', () => new LSTMLanguageModel(9, 8, 12, 1)],
];

for (const [name, build] of models) test(`scoreSentences (${name}): per-token log-probs are log_softmax of the logits before each token, padded batches agree`, () => {
  manualSeed(5);
  const model = build();
  model.eval();
  const texts = ['abc', 'hgfedcba', 'd'];
  const scores = scoreSentences(model, chars, texts, { bosTokenId: 0, batchSize: 2 });
  for (const [i, text] of texts.entries()) {
    const ids = [0, ...chars.encodeIds(text)];
    const logits = (model.forward(tensor([ids], { dtype: 'int32' })).tolist() as number[][][])[0];
    const expected = ids.slice(1).map((id, t) => {
      const row = logits[t];
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, x) => s + Math.exp(x - max), 0));
      return row[id] - lse;
    });
    assert.deepEqual(scores[i].tokens, ids.slice(1));
    expected.forEach((e, t) => assert.ok(Math.abs(scores[i].tokenLogprobs[t] - e) < 1e-5, `${text}[${t}]: ${scores[i].tokenLogprobs[t]} vs ${e}`));
    const total = expected.reduce((s, x) => s + x, 0);
    assert.ok(Math.abs(scores[i].logprob - total) < 1e-4);
    assert.ok(Math.abs(scores[i].meanLogprob - total / expected.length) < 1e-5);
  }
  const noBos = scoreSentences(model, chars, ['abc'])[0];
  assert.equal(noBos.tokenLogprobs.length, 2, 'without BOS the first token is not scored');
  if (name === 'GPT') assert.throws(() => scoreSentences(model, chars, ['a'.repeat(20)]), /20 tokens, more than the model's 16 positions/);
});

test('rescoreNBest: acoustic + lmWeight · LM + lengthPenalty · words, best first', () => {
  // A bigram table: after BOS (0) 'a' is likely; after 'a', 'b' is likely; 'c' is rare everywhere.
  const p = (a: number, b: number, c: number) => [0.01, a, b, c, ...Array(5).fill((1 - 0.01 - a - b - c) / 5)];
  const lm = new TableModel([p(0.6, 0.2, 0.01), p(0.1, 0.7, 0.01), p(0.3, 0.3, 0.01), p(0.3, 0.3, 0.01), ...Array(5).fill(p(0.3, 0.3, 0.01))]);
  const hyps = [
    { text: 'a c', acousticScore: -1.0 }, // best acoustically, unlikely to the LM
    { text: 'a b', acousticScore: -1.5 },
    { text: 'a b b', acousticScore: -5.0 },
  ];
  const logp = (ids: number[]) => ids.slice(1).reduce((s, id, t) => s + Math.log(lm.table[ids[t]][id]), 0);
  const lmOf = [logp([0, 1, 3]), logp([0, 1, 2]), logp([0, 1, 2, 2])];
  const noLm = rescoreNBest(lm, chars, hyps, { bosTokenId: 0, lmWeight: 0 });
  assert.deepEqual(noLm.map((h) => h.text), ['a c', 'a b', 'a b b']);
  const withLm = rescoreNBest(lm, chars, hyps, { bosTokenId: 0, lmWeight: 1 });
  assert.deepEqual(withLm.map((h) => h.text), ['a b', 'a c', 'a b b']);
  withLm.forEach((h) => {
    const i = hyps.findIndex((x) => x.text === h.text);
    assert.ok(Math.abs(h.lmScore - lmOf[i]) < 1e-5);
    assert.ok(Math.abs(h.score - (hyps[i].acousticScore + lmOf[i])) < 1e-5);
  });
  // A large word bonus favours the longest hypothesis.
  const long = rescoreNBest(lm, chars, hyps, { bosTokenId: 0, lmWeight: 1, lengthPenalty: 6 });
  assert.equal(long[0].text, 'a b b');
  assert.equal(long[0].words, 3);
});
