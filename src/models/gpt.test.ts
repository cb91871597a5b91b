import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noGrad } from '../autograd/graph.js';
import '../autograd/index.js';
import { randint, tensor } from '../tensor/create.js';
import { Generator, manualSeed } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { assertClose } from '../testing/assert.js';
import { GPT } from './gpt.js';
import { DecodingRun, promptLogprobs, resolveGenerationOptions } from '../generation/index.js';

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

test('a seed gives the weights nanoGPT\'s model.py gets after torch.manual_seed with that seed', () => {
  // [name, first three values, last two, sum of |w|] printed by PyTorch 1.13 for nanoGPT's GPT(vocab 11,
  // block 8, 12 wide, 2 layers, biases) after torch.manual_seed(5); Linear weights transposed to Conv1D's layout.
  const expected: [string, number[], number[], number][] = [
    ['transformer.wte.weight', [0.010731208138167858, 0.022612618282437325, -0.012351442128419876], [0.0003343282442074269, 0.013085693120956421], 1.934575151957688],
    ['transformer.wpe.weight', [0.027759579941630363, 0.0232851579785347, 0.002154185902327299], [0.005592376925051212, 0.021485134959220886], 1.4818432836982538],
    ['transformer.h.0.attn.c_attn.weight', [0.0019772222731262445, -0.006051432806998491, -0.031465351581573486], [0.017509225755929947, -0.0006609104457311332], 6.8062515237834305],
    ['transformer.h.1.mlp.c_proj.weight', [-0.017691882327198982, 0.017529664561152458, -0.004573663230985403], [-0.003841214347630739, -0.006038885563611984], 4.32048314023973],
    ['transformer.h.1.attn.c_proj.weight', [0.005070189945399761, 0.008069852367043495, -0.01379658654332161], [-0.019239647313952446, 0.016050955280661583], 1.1863561714417301],
  ];
  const model = new GPT({ vocabSize: 11, blockSize: 8, nEmbd: 12, nLayer: 2, nHead: 3, bias: true }, { generator: new Generator(5) });
  const params = new Map(model.namedParameters());
  for (const [name, first, last, absSum] of expected) {
    const w = Array.from(params.get(name)!.dense());
    assertClose([...w.slice(0, 3), ...w.slice(-2), w.reduce((s, v) => s + Math.abs(v), 0) / absSum], [...first, ...last, 1], 1e-7, 1e-6, name);
  }
  assert.deepEqual(Array.from(params.get('transformer.h.0.attn.c_attn.bias')!.dense()), new Array(36).fill(0));
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

test('a decoding run scores its left-padded prompts with the pass that reads them, as promptLogprobs does', () => {
  const model = new GPT({ vocabSize: 11, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 8 }, { generator: new Generator(5) });
  model.eval();
  const prompts = [[3, 1, 4, 1, 5], [9, 2, 6]];
  const rows = [prompts[0], [0, 0, ...prompts[1]]];
  const attentionMask = [[1, 1, 1, 1, 1], [0, 0, 1, 1, 1]];
  const run = new DecodingRun(model, rows, resolveGenerationOptions(model, { maxNewTokens: 3, padTokenId: 0, attentionMask }));
  run.recordLogprobs(2, { prompt: true });
  let passes = 0;
  const forward = model.forward.bind(model);
  model.forward = (ids, opts) => { passes++; return forward(ids, opts); };
  while (!run.finished) run.step();
  assert.equal(passes, 3, 'one pass per new token');
  const scored = run.promptLogprobs!;
  assert.deepEqual(scored[1].slice(0, 3), [null, null, null], 'padding, then the first real token (no context)');
  prompts.forEach((ids, b) => {
    const alone = promptLogprobs(model, ids, 2);
    const mine = scored[b].slice(5 - ids.length);
    assert.equal(mine.length, alone.length);
    alone.forEach((lp, t) => {
      if (lp === null) return assert.equal(mine[t], null);
      assert.equal(mine[t]!.token, lp.token);
      assert.ok(Math.abs(mine[t]!.logprob - lp.logprob) < 1e-5, `row ${b} position ${t}: ${mine[t]!.logprob} vs ${lp.logprob}`);
      assert.deepEqual(mine[t]!.top.map((x) => x.token), lp.top.map((x) => x.token));
    });
  });
  assert.throws(() => run.recordLogprobs(1, { prompt: true }), /already read/);
});

test('bad configs and too-long inputs are clear errors', () => {
  assert.throws(() => new GPT({ nEmbd: 10, nHead: 3, vocabSize: 5, blockSize: 4, nLayer: 1 }), /multiple of nHead/);
  assert.throws(() => new GPT({ nLayers: 2 } as never), /unknown config field "nLayers"/);
  assert.throws(() => new GPT('gpt5' as never), /unknown preset "gpt5"/);
  assert.throws(() => tiny().forward(randint(0, 37, [1, 49])), /exceed the block size 48/);
});

test('log-probabilities recorded while decoding with the cache equal a single pass over the result', () => {
  const model = new GPT({ vocabSize: 40, blockSize: 32, nLayer: 2, nHead: 2, nEmbd: 16 }, { generator: new Generator(11) });
  model.eval();
  const run = new DecodingRun(model, [[3, 14, 15]], resolveGenerationOptions(model, { maxNewTokens: 8 }));
  run.recordLogprobs(3);
  while (!run.finished) run.step();
  const whole = promptLogprobs(model, run.rows[0], 3).slice(3);
  run.logprobs[0].forEach((lp, i) => {
    assert.ok(Math.abs(lp.logprob - whole[i]!.logprob) < 1e-5, `step ${i}: ${lp.logprob} vs ${whole[i]!.logprob}`);
    assert.deepEqual(lp.top.map((t) => t.token), whole[i]!.top.map((t) => t.token));
    assert.equal(lp.top[0].token, lp.token, 'greedy picks the likeliest');
  });
});

test('training with dropout: the packed attention path drops what the split path drops (same draws), values and gradients', () => {
  const run = (attentionMask?: Tensor) => {
    const model = new GPT({ vocabSize: 23, blockSize: 16, nLayer: 2, nHead: 2, nEmbd: 16, dropout: 0.3 }, { generator: new Generator(4) });
    model.train();
    manualSeed(99);
    const ids = tensor(Int32Array.from({ length: 2 * 9 }, (_, i) => (i * 7) % 23), { shape: [2, 9], dtype: 'int32' });
    const logits = model.forward(ids, attentionMask ? { attentionMask } : {}); // a mask of ones takes the split path
    logits.mul(logits).mean().backward();
    return { logits, grad: model.transformer.h.at(0).attn.cAttn.weight.grad! };
  };
  const packed = run();
  const split = run(tensor(new Int32Array(18).fill(1), { shape: [2, 9], dtype: 'int32' }));
  assertClose(packed.logits, split.logits, 1e-5, 1e-5);
  assertClose(packed.grad, split.grad, 1e-5, 1e-5);
  const again = run();
  assertClose(again.logits, packed.logits, 0, 0);
});
