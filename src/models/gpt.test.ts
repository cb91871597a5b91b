import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noGrad } from '../autograd/graph.js';
import '../autograd/index.js';
import { randint, tensor } from '../tensor/create.js';
import { Generator } from '../tensor/random.js';
import { assertClose } from '../testing/assert.js';
import { GPT } from './gpt.js';

const tiny = () => new GPT({ vocabSize: 37, blockSize: 48, nLayer: 2, nHead: 2, nEmbd: 16 }, { generator: new Generator(1) });

test('forward gives (B, T, V) logits; parameter names are GPT-2\'s', () => {
  const model = tiny();
  const logits = model.forward(randint(0, 37, [2, 5]));
  assert.deepEqual(logits.shape, [2, 5, 37]);
  const names = [...model.stateDict().keys()];
  assert.deepEqual(names.slice(0, 6), [
    'transformer.wte.weight', 'transformer.wpe.weight', 'transformer.h.0.ln_1.weight', 'transformer.h.0.ln_1.bias',
    'transformer.h.0.attn.c_attn.weight', 'transformer.h.0.attn.c_attn.bias',
  ]);
  assert.ok(names.includes('transformer.h.1.mlp.c_proj.weight'));
  assert.ok(names.includes('transformer.ln_f.bias'));
  assert.equal(names.length, 2 + 2 * 12 + 2);
  assert.deepEqual(model.stateDict().get('transformer.h.0.mlp.c_fc.weight')!.shape, [16, 64]);
});

test('nanoGPT initialization: std 0.02, residual projections 0.02/sqrt(2·nLayer), zero biases', () => {
  const model = new GPT({ vocabSize: 64, blockSize: 32, nLayer: 8, nHead: 4, nEmbd: 64 }, { generator: new Generator(3) });
  const std = (name: string) => {
    const d = model.stateDict().get(name)!.dense();
    let s = 0;
    for (const v of d) s += v * v;
    return Math.sqrt(s / d.length);
  };
  assert.ok(Math.abs(std('transformer.h.0.attn.c_attn.weight') - 0.02) < 0.002);
  assert.ok(Math.abs(std('transformer.h.0.mlp.c_proj.weight') - 0.02 / 4) < 0.0005);
  assert.ok(Math.abs(std('transformer.wte.weight') - 0.02) < 0.002);
  assert.equal(std('transformer.h.3.attn.c_attn.bias'), 0);
});

test('loss at initialization is about ln V and gradients reach every parameter', () => {
  const model = tiny();
  const ids = randint(0, 37, [2, 8], { generator: new Generator(2) });
  const loss = model.loss(ids, randint(0, 37, [2, 8], { generator: new Generator(3) }));
  assert.ok(Math.abs(loss.item() - Math.log(37)) < 0.2, `loss ${loss.item()}`);
  loss.backward();
  for (const [name, p] of model.namedParameters()) assert.ok(p.grad, `${name} has no gradient`);
});

test('cached and uncached logits agree at every step of a long generation', () => {
  const model = tiny().eval();
  const prompt = [[3, 1, 4, 1, 5]];
  const steps = 40;
  const out = model.generate(prompt, { maxNewTokens: steps, doSample: true, seed: 5 });
  const seq = (out.tolist() as number[][])[0];
  const cache = model.newCache(1, seq.length);
  noGrad(() => {
    let logits = model.forward(tensor([seq.slice(0, 5)], { dtype: 'int32' }), { cache });
    for (let n = 5; n < seq.length; n++) {
      const full = model.forward(tensor([seq.slice(0, n)], { dtype: 'int32' }));
      assertClose(logits.slice(null, -1), full.slice(null, -1), 1e-5, 1e-4, `step ${n}`);
      logits = model.forward(tensor([[seq[n]]], { dtype: 'int32' }), { cache });
    }
  });
  // the cached generation equals the uncached one
  const again = model.generate(prompt, { maxNewTokens: steps, doSample: true, seed: 5, useCache: false });
  assert.deepEqual(again.tolist(), out.tolist());
});

test('a left-padded batch generates what each prompt generates alone', () => {
  const model = tiny().eval();
  const a = model.generate([[7, 8, 9, 10]], { maxNewTokens: 6 }).tolist() as number[][];
  const b = model.generate([[11, 12]], { maxNewTokens: 6 }).tolist() as number[][];
  const batch = model.generate([[7, 8, 9, 10], [0, 0, 11, 12]], {
    maxNewTokens: 6, attentionMask: [[1, 1, 1, 1], [0, 0, 1, 1]],
  }).tolist() as number[][];
  assert.deepEqual(batch[0], a[0]);
  assert.deepEqual(batch[1].slice(2), b[0]);
});

test('bad configs and too-long inputs are clear errors', () => {
  assert.throws(() => new GPT({ nEmbd: 10, nHead: 3, vocabSize: 5, blockSize: 4, nLayer: 1 }), /multiple of nHead/);
  assert.throws(() => new GPT({ nLayers: 2 } as never), /unknown config field "nLayers"/);
  assert.throws(() => new GPT('gpt5' as never), /unknown preset "gpt5"/);
  assert.throws(() => tiny().forward(randint(0, 37, [1, 49])), /exceed the block size 48/);
});
