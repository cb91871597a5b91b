import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { cat, slice } from '../autograd/ops/index.js';
import { loadSafetensors } from '../io/safetensors.js';
import { randint } from '../tensor/create.js';
import { Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { assertClose } from '../testing/assert.js';
import { sharedDir, SHARED_MISSING } from '../testing/shared.js';
import { GRULanguageModel, LSTMLanguageModel, RNNLanguageModel } from './rnn-lm.js';

const SHARED = sharedDir();

test('the design document\'s example: vocab 10000, embedding 256, hidden 512, 2 layers, [1, 10] ids → [1, 10, 10000]', () => {
  const model = new LSTMLanguageModel(10000, 256, 512, 2);
  const ids = randint(0, 10000, [1, 10]);
  const logits = model.forward(ids);
  assert.deepEqual(logits.shape, [1, 10, 10000]);
  assert.deepEqual([...model.stateDict().keys()], [
    'embedding.weight',
    'lstm.weight_ih_l0', 'lstm.weight_hh_l0', 'lstm.bias_ih_l0', 'lstm.bias_hh_l0',
    'lstm.weight_ih_l1', 'lstm.weight_hh_l1', 'lstm.bias_ih_l1', 'lstm.bias_hh_l1',
    'fc.weight', 'fc.bias',
  ]);
});

test('matches PyTorch\'s Embedding → LSTM → Linear generator', { skip: SHARED ? false : SHARED_MISSING }, () => {
  const file = loadSafetensors(path.join(SHARED!, 'fixtures/torch/cases/seed_generator_embedding_lstm_linear.safetensors'));
  const c = JSON.parse(file.metadata.case);
  const model = new LSTMLanguageModel(c.vocab_size, c.embedding_dim, c.hidden_dim, c.num_layers);
  const params = new Map([...file.tensors].filter(([k]) => k.startsWith('param.')).map(([k, v]) => [k.slice(6), v]));
  model.loadStateDict(params);
  assertClose(model.forward(file.tensors.get('input.ids')!), file.tensors.get('out.0')!, 1e-4, 1e-4, 'logits');
});

test('carryState continues from the previous batch, detached from its graph (truncated BPTT)', () => {
  const g = new Generator(4);
  const model = new LSTMLanguageModel(20, 8, 12, 2, { generator: g });
  const ids = randint(0, 20, [3, 10], { generator: g });
  const first = slice(ids, null, [0, 5]);
  const second = slice(ids, null, [5, 10]);
  const whole = model.forward(ids);
  model.carryState = true;
  const a = model.forward(first);
  const b = model.forward(second);
  assertClose(cat([a, b], 1), whole, 1e-5, 1e-4, 'chained logits');
  // the first batch's graph is freed by its backward; the second must not reach into it
  a.sum().backward();
  b.sum().backward();
  // after a reset the state starts from zeros again
  model.resetState();
  assert.notDeepEqual(Array.from(model.forward(second).dense()), Array.from(b.dense()));
});

test('the carried state survives backward when the pass\'s storage is recycled', () => {
  const g = new Generator(5);
  const model = new LSTMLanguageModel(30, 16, 600, 1, { generator: g }); // its 8 × 600 state is pooled storage
  const ids = randint(0, 30, [8, 6], { generator: g });
  const whole = model.forward(ids);
  model.carryState = true;
  model.forward(slice(ids, null, [0, 3])).sum().backward();
  model.carryState = false;
  model.forward(randint(0, 30, [8, 3], { generator: g })).sum().backward(); // reuses what the first pass recycled
  model.carryState = true;
  const next = model.forward(slice(ids, null, [3, 6]));
  assertClose(next, slice(whole, null, [3, 6]), 1e-5, 1e-4, 'logits that continue from the carried state');
});

test('GRU and RNN variants name their layer gru. and rnn.', () => {
  const gru = new GRULanguageModel(11, 4, 5, 1);
  const rnn = new RNNLanguageModel(11, 4, 5, 3);
  assert.ok(gru.stateDict().has('gru.weight_hh_l0'));
  assert.ok(rnn.stateDict().has('rnn.weight_ih_l2'));
  assert.deepEqual(gru.forward(randint(0, 11, [2, 3])).shape, [2, 3, 11]);
  assert.deepEqual(rnn.forward(randint(0, 11, [2, 3])).shape, [2, 3, 11]);
});

test('generation carries the recurrent state: cached, uncached and beam search agree with the model', () => {
  for (const model of [new LSTMLanguageModel(15, 6, 8, 2, { generator: new Generator(1) }), new GRULanguageModel(15, 6, 8, 1, { generator: new Generator(2) })]) {
    const cached = model.generate([[1, 2, 3]], { maxNewTokens: 12, doSample: true, seed: 9 });
    const uncached = model.generate([[1, 2, 3]], { maxNewTokens: 12, doSample: true, seed: 9, useCache: false });
    assert.deepEqual(cached.tolist(), uncached.tolist());
    const beams = model.generate([[1, 2, 3], [4, 5, 6]], { maxNewTokens: 4, numBeams: 3 }) as Tensor;
    const beamsUncached = model.generate([[1, 2, 3], [4, 5, 6]], { maxNewTokens: 4, numBeams: 3, useCache: false });
    assert.deepEqual(beams.tolist(), beamsUncached.tolist());
  }
});
