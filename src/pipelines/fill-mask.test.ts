import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { noGrad } from '../autograd/graph.js';
import { BertForMaskedLM } from '../models/bert/pretraining.js';
import { withFakeHub } from '../models/checkpoint.test-util.js';
import { tensor } from '../tensor/create.js';
import { Generator } from '../tensor/random.js';
import { sharedDir, SHARED_MISSING } from '../testing/shared.js';
import { Tokenizer } from '../tokenizers/tokenizer.js';
import { fillMask } from './fill-mask.js';
import { tinyBertTokenizer } from '../testing/tiny-bert-tokenizer.js';

const SHARED = sharedDir();
const skip = SHARED ? false : SHARED_MISSING;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-fill-mask-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

async function tinyModel(): Promise<BertForMaskedLM> {
  const model = await BertForMaskedLM.fromPretrained(path.join(SHARED!, 'fixtures/torch/bert-tiny'));
  model.tokenizer = tinyBertTokenizer();
  return model;
}

/** The top k of softmax(row), computed here from the model's logits alone. */
function expectedTop(row: number[], k: number): { token: number; score: number }[] {
  const m = Math.max(...row);
  const z = row.reduce((s, x) => s + Math.exp(x - m), 0);
  return row.map((x, token) => ({ token, score: Math.exp(x - m) / z })).sort((a, b) => b.score - a.score || a.token - b.token).slice(0, k);
}

test('one mask: the top-k tokens and probabilities of the logits at the mask, and the filled text', { skip }, async () => {
  const model = await tinyModel();
  const tok = model.tokenizer!;
  const text = 'the cat sat on the [MASK]';
  const ids = tok.encode(text).ids; // [CLS] the cat sat on the [MASK] [SEP]
  assert.deepEqual(ids, [2, 5, 7, 9, 11, 5, 4, 3]);
  const logits = noGrad(() => model.forward(tensor([ids], { dtype: 'int32' }))).tolist() as number[][][];
  const want = expectedTop(logits[0][6], 4);
  const got = fillMask(model, text, { topK: 4 });
  assert.equal(got.length, 1, 'one list for one mask');
  assert.deepEqual(got[0].map((p) => p.token), want.map((w) => w.token));
  got[0].forEach((p, i) => {
    assert.ok(Math.abs(p.score - want[i].score) < 1e-6, `score ${p.score} vs ${want[i].score}`);
    const word = tok.idToToken(p.token)!;
    assert.equal(p.token_str, word);
    assert.equal(p.sequence, `the cat sat on the ${word}`.replace(/\[(PAD|CLS|SEP|MASK|UNK)\]/g, '').trim().replace(/\s+/g, ' '));
  });
  assert.ok(got[0][0].score >= got[0][1].score);
});

test('several masks: one list per mask, each sequence keeping the other mask; a batch equals the texts one by one', { skip }, async () => {
  const model = await tinyModel();
  const two = fillMask(model, '[MASK] cat sat on the [MASK]', { topK: 3 });
  assert.equal(two.length, 2);
  const firstWord = model.tokenizer!.idToToken(two[0][0].token);
  assert.equal(two[0][0].sequence, `[CLS] ${firstWord} cat sat on the [MASK] [SEP]`);
  assert.equal(two[1][2].sequence, `[CLS] [MASK] cat sat on the ${model.tokenizer!.idToToken(two[1][2].token)} [SEP]`);

  const texts = ['a [MASK] ran', 'the old man read a good book in the [MASK] park', '[MASK] and [MASK]'];
  const batch = fillMask(model, texts, { topK: 5 });
  assert.equal(batch.length, 3);
  texts.forEach((t, i) => {
    const alone = fillMask(model, t, { topK: 5 });
    assert.deepEqual(batch[i].map((m) => m.map((p) => p.token)), alone.map((m) => m.map((p) => p.token)), t);
    batch[i].flat().forEach((p, j) => assert.ok(Math.abs(p.score - alone.flat()[j].score) < 1e-5, t));
    assert.deepEqual(batch[i].map((m) => m.map((p) => p.sequence)), alone.map((m) => m.map((p) => p.sequence)), 'padding is not shown');
  });
});

test('a text without the mask token, a bad topK and a foreign tokenizer are errors', { skip }, async () => {
  const model = await tinyModel();
  assert.throws(() => fillMask(model, 'the cat sat'), /fillMask: no mask token \[MASK\] in "the cat sat"/);
  assert.throws(() => fillMask(model, 'the [MASK]', { topK: 0 }), /topK must be a positive integer, got 0/);
  const base = Tokenizer.fromPretrained(path.join(SHARED!, 'fixtures/tokenizers/bert-base-uncased'));
  assert.throws(() => fillMask(model, 'paris is the [MASK] of france.', { tokenizer: base }), /outside the model's vocabulary of 60/);
});

test('with the bert-base-uncased tokenizer: a model biased toward "capital" fills it in', { skip }, async () => {
  const tok = Tokenizer.fromPretrained(path.join(SHARED!, 'fixtures/tokenizers/bert-base-uncased'));
  const model = new BertForMaskedLM({ vocabSize: tok.vocabSize, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16,
    maxPositionEmbeddings: 32 }, { generator: new Generator(0) }).eval();
  model.tokenizer = tok;
  const bias = model.cls.predictions.bias;
  const capital = tok.tokenToId('capital')!;
  const city = tok.tokenToId('city')!;
  bias.data[capital] = 60;
  bias.data[city] = 58;
  const [predictions] = fillMask(model, 'Paris is the [MASK] of France.', { topK: 2 });
  assert.deepEqual(predictions.map((p) => p.token_str), ['capital', 'city']);
  assert.equal(predictions[0].token, capital);
  assert.equal(predictions[0].sequence, 'paris is the capital of france.');
  assert.equal(predictions[1].sequence, 'paris is the city of france.');
  // logits differ by about 2 and the rest of the vocabulary is far below: softmax ≈ 1 / (1 + e^-2)
  assert.ok(Math.abs(predictions[0].score - 1 / (1 + Math.exp(-2))) < 0.02, `score ${predictions[0].score}`);
  assert.ok(Math.abs(predictions[0].score + predictions[1].score - 1) < 1e-3);
});

test('a hub id with only vocab.txt for its tokenizer: BertForMaskedLM.fromPretrained, then fill-mask', { skip }, async () => {
  const vocab = Array.from({ length: 60 }, (_, i) => tinyBertTokenizer().idToToken(i)!);
  const files = new Map<string, Buffer>([['vocab.txt', Buffer.from(`${vocab.join('\n')}\n`)]]);
  for (const f of ['config.json', 'model.safetensors']) files.set(f, fs.readFileSync(path.join(SHARED!, 'fixtures/torch/bert-tiny', f)));
  await withFakeHub('lmkit/bert-tiny', files, path.join(tmp, 'hf-home'), async (requests) => {
    const model = await BertForMaskedLM.fromPretrained('lmkit/bert-tiny');
    assert.ok(requests.some((r) => r.startsWith('GET /lmkit/bert-tiny/resolve/') && r.endsWith('/vocab.txt')));
    assert.ok(model.tokenizer, 'the tokenizer was read from vocab.txt');
    const local = await BertForMaskedLM.fromPretrained(path.join(SHARED!, 'fixtures/torch/bert-tiny'));
    local.tokenizer = tinyBertTokenizer();
    const text = 'the big [MASK] sat in the park';
    assert.deepEqual(fillMask(model, text), fillMask(local, text));
  });
});
