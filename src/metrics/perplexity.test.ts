import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noGrad } from '../autograd/graph.js';
import { crossEntropy, slice } from '../autograd/ops/index.js';
import { randint, tensor } from '../tensor/create.js';
import { Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { GPT } from '../models/gpt.js';
import { perplexity } from './perplexity.js';

/** A "model" whose next-token distribution is uniform over V tokens: perplexity exactly V. */
const uniform = (V: number) => ({ forward: (ids: Tensor) => tensor(new Float32Array(ids.shape[1] * V), { shape: [1, ids.shape[1], V] }) });

test('a uniform model over V tokens has perplexity V, every token but the first scored once', () => {
  const r = perplexity(uniform(7), [1, 2, 3, 4, 5, 6, 0, 1, 2, 3], { maxLength: 4, stride: 2 });
  assert.equal(r.tokens, 9);
  assert.ok(Math.abs(r.perplexity - 7) < 1e-5);
  const chars = { encode: (text: string) => ({ ids: [...text].map((ch) => ch.charCodeAt(0) - 97) }) };
  assert.equal(perplexity(uniform(7), 'abcdefg', { maxLength: 8, tokenizer: chars }).tokens, 6);
  assert.throws(() => perplexity(uniform(7), 'abc', { maxLength: 8 }), /needs options\.tokenizer/);
});

test('a window as long as the text gives exp of the model\'s mean loss; shorter strides add context', () => {
  const model = new GPT({ vocabSize: 23, blockSize: 64, nLayer: 1, nHead: 2, nEmbd: 8 }, { generator: new Generator(5) }).eval();
  const ids = Array.from(randint(0, 23, [40], { generator: new Generator(6) }).dense());
  const full = perplexity(model, ids, { maxLength: 64 });
  const loss = noGrad(() => {
    const logits = model.forward(tensor([ids], { dtype: 'int32' }));
    return crossEntropy(slice(logits, 0, [0, -1]), tensor(Int32Array.from(ids.slice(1)))).item();
  });
  assert.equal(full.tokens, 39);
  assert.ok(Math.abs(full.nll - loss) < 1e-5);
  // disjoint windows of 10 cannot score their first tokens (4 × 9); overlapping ones score all 39
  assert.equal(perplexity(model, ids, { maxLength: 10 }).tokens, 36);
  assert.equal(perplexity(model, ids, { maxLength: 10, stride: 5 }).tokens, 39);
  assert.throws(() => perplexity(model, ids, { maxLength: 10, stride: 11 }), /stride must be an integer in \[1, maxLength = 10\]/);
});
