import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import '../autograd/index.js';
import { loadModel, loadSeq2SeqModel, saveModel } from '../models/auto.js';
import { trainReverser } from '../models/seq2seq/seq2seq.test-util.js';
import { generateSeq2Seq } from '../generation/seq2seq.js';
import { trainByteLevelBpe } from '../tokenizers/trainers/bpe.js';
import { summarize, translate } from './translation.js';

/** Digits '0'-'9' are ids 3-12 (as the reverser's); 0 pad, 1 BOS, 2 EOS. */
const digits = {
  encodeIds: (text: string) => [...text].filter((c) => c >= '0' && c <= '9').map((c) => Number(c) + 3),
  decode: (ids: number[]) => ids.filter((i) => i >= 3).map((i) => String(i - 3)).join(''),
};

test('translate: texts in, reversed digit strings out (one text, a batch, beams, several return sequences)', () => {
  const model = trainReverser();
  const tok = digits as unknown as Parameters<typeof translate>[1]['source'];
  assert.equal(translate(model, { source: tok }, '1234'), '4321');
  const batch = translate(model, { source: tok }, ['905', '3141', '27'], { batchSize: 2, numBeams: 3 });
  assert.equal(batch.length, 3);
  assert.deepEqual(batch.slice(0, 2), ['509', '1413']);
  assert.equal(summarize(model, { source: tok }, ['3141', '905'], { numBeams: 3, numReturnSequences: 2 }).length, 4);
});

test('saveModel/loadSeq2SeqModel: a round trip gives the same weights and outputs; loadModel names the right loader', async () => {
  const model = trainReverser(20);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-s2s-'));
  try {
    saveModel(tmp, model, null);
    const config = JSON.parse(fs.readFileSync(path.join(tmp, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(config.model_type, 'lmkit-seq2seq');
    const { model: loaded, sourceTokenizer } = loadSeq2SeqModel(tmp);
    assert.equal(sourceTokenizer, null);
    assert.deepEqual(loaded.config, model.config);
    for (const [k, v] of model.stateDict()) assert.deepEqual(loaded.stateDict().get(k)!.tolist(), v.tolist(), k);
    const src = [[3, 4, 5, 2], [9, 2]];
    assert.deepEqual(generateSeq2Seq(loaded, src, { numBeams: 2 }).sequences, generateSeq2Seq(model, src, { numBeams: 2 }).sequences);
    const source = trainByteLevelBpe(['a man rides a bike', 'a dog runs'], { vocabSize: 262, specialTokens: ['<pad>', '<s>', '</s>'] });
    const target = trainByteLevelBpe(['ein Mann fährt Rad', 'ein Hund rennt'], { vocabSize: 264, specialTokens: ['<pad>', '<s>', '</s>'] });
    saveModel(tmp, model, source, target);
    const both = loadSeq2SeqModel(tmp);
    assert.deepEqual(both.sourceTokenizer!.encodeIds('a man'), source.encodeIds('a man'));
    assert.deepEqual(both.targetTokenizer!.encodeIds('ein Mann'), target.encodeIds('ein Mann'));
    assert.notDeepEqual(both.targetTokenizer!.encodeIds('ein Mann'), both.sourceTokenizer!.encodeIds('ein Mann'));
    await assert.rejects(loadModel(tmp), /encoder-decoder, not a causal LM \(load it with loadSeq2SeqModel/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
