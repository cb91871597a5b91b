import assert from 'node:assert/strict';
import { test } from 'node:test';
import '../../autograd/index.js';
import { Generator } from '../../tensor/random.js';
import { collateSeq2Seq, LengthBucketedBatches } from './data.js';
import { scoreOutputs } from './run.js';

const ids = { pad: 0, bos: 1, eos: 2 };

test('collateSeq2Seq: source + EOS, BOS + target, target + EOS, right-padded', () => {
  const b = collateSeq2Seq([{ src: [5, 6, 2], tgt: [7] }, { src: [8, 2], tgt: [9, 10, 11] }], ids);
  assert.deepEqual(b.src.tolist(), [[5, 6, 2], [8, 2, 0]]);
  assert.deepEqual(b.tgtIn.tolist(), [[1, 7, 0, 0], [1, 9, 10, 11]]);
  assert.deepEqual(b.tgtOut.tolist(), [[7, 2, 0, 0], [9, 10, 11, 2]]);
});

test('LengthBucketedBatches: training rows have neighbouring lengths; validation goes round in order', () => {
  const train = Array.from({ length: 40 }, (_, i) => ({ src: [3, 2], tgt: Array<number>((i * 7) % 40 + 1).fill(4) }));
  const val = [{ src: [3, 2], tgt: [4] }, { src: [3, 2], tgt: [4, 4] }, { src: [3, 2], tgt: [4, 4, 4] }];
  const data = new LengthBucketedBatches(train, val, 2, ids, new Generator(0));
  for (let i = 0; i < 5; i++) {
    const out = data.nextBatch('train').tgtOut.tolist() as number[][];
    const lengths = out.map((r) => r.filter((t) => t !== 0).length);
    assert.ok(Math.abs(lengths[0] - lengths[1]) <= 1, `lengths ${lengths}`);
  }
  assert.deepEqual(data.nextBatch('val').tgtIn.shape, [2, 3]);
  assert.deepEqual(data.nextBatch('val').tgtIn.shape, [1, 4]);
  assert.deepEqual(data.nextBatch('val').tgtIn.shape, [2, 3]);
});

test('scoreOutputs: BLEU and ROUGE-L are 100 for perfect outputs and lower otherwise', () => {
  const refs = ['ein Mann fährt Fahrrad .', 'zwei Hunde spielen im Schnee .'];
  for (const metric of ['bleu', 'rouge'] as const) assert.ok(Math.abs(scoreOutputs(metric, refs, refs).score - 100) < 1e-9, metric);
  assert.match(scoreOutputs('rouge', refs, refs).line, /^ROUGE-1 100.00 ROUGE-2 100.00 ROUGE-L 100.00/);
  assert.ok(scoreOutputs('bleu', ['ein Mann fährt .', 'zwei Hunde .'], refs).score < 100);
  assert.ok(scoreOutputs('rouge', ['ein Mann fährt .', 'zwei Hunde .'], refs).score < 100);
});
