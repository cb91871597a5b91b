import assert from 'node:assert/strict';
import test from 'node:test';
import { noGrad } from '../../autograd/graph.js';
import '../../autograd/index.js';
import { generateSeq2Seq } from '../../generation/seq2seq.js';
import { tensor } from '../../tensor/create.js';
import { Generator, manualSeed } from '../../tensor/random.js';
import { assertClose } from '../../testing/assert.js';
import { Seq2SeqTransformer } from './model.js';
import { PositionalEncoding, sinusoidalTable } from './positional-encoding.js';
import { DIGIT_VOCAB, digitSequences, pairBatch, trainReverser } from './seq2seq.test-util.js';

function small(extra: Record<string, unknown> = {}): Seq2SeqTransformer {
  manualSeed(3);
  const m = new Seq2SeqTransformer({ srcVocabSize: 11, tgtVocabSize: 17, dModel: 16, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 32, dropout: 0, ...extra });
  m.eval();
  return m;
}

test('Seq2SeqTransformer: logits [B, T, V]; shared and tied variants drop their tables', () => {
  const m = small();
  const src = tensor([[3, 4, 5, 2], [6, 2, 0, 0]], { dtype: 'int32' });
  const tgt = tensor([[1, 7, 8], [1, 9, 0]], { dtype: 'int32' });
  assert.deepEqual(m.forward(src, tgt).shape, [2, 3, 17]);
  const keys = [...m.stateDict().keys()];
  assert.ok(keys.includes('src_tok_emb.weight') && keys.includes('tgt_tok_emb.weight') && keys.includes('generator.weight'));
  assert.ok(keys.includes('transformer.decoder.layers.1.multihead_attn.in_proj_weight'));
  const tied = small({ tgtVocabSize: 11, shareEmbeddings: true, tieOutput: true, normFirst: true });
  const tiedKeys = [...tied.stateDict().keys()];
  assert.ok(!tiedKeys.includes('tgt_tok_emb.weight') && !tiedKeys.some((k) => k.startsWith('generator')));
  assert.deepEqual(tied.forward(src, tgt).shape, [2, 3, 11]);
  assert.throws(() => small({ shareEmbeddings: true }), /shareEmbeddings needs one vocabulary/);
});

test('Seq2SeqTransformer: source padding and later target positions do not change a row', () => {
  const m = small();
  const a = m.forward(tensor([[3, 4, 2]], { dtype: 'int32' }), tensor([[1, 7, 8]], { dtype: 'int32' }));
  const padded = m.forward(tensor([[3, 4, 2, 0, 0]], { dtype: 'int32' }), tensor([[1, 7, 8]], { dtype: 'int32' }));
  assertClose(padded, a, 1e-5);
  const longer = m.forward(tensor([[3, 4, 2]], { dtype: 'int32' }), tensor([[1, 7, 8, 9]], { dtype: 'int32' }));
  assertClose(longer.slice([null], [0, 3]), a, 1e-5);
});

for (const normFirst of [false, true]) {
  test(`Seq2SeqTransformer: cached decoding equals uncached at every step (normFirst ${normFirst}, beams reordered)`, () => {
    const m = small({ normFirst });
    noGrad(() => {
      const sources = [[3, 4, 5, 6, 2], [7, 2]];
      const lm = m.conditionedOn(sources);
      const cache = m.newCache(2, 8);
      const rows = [[1], [1]];
      for (let step = 0; step < 6; step++) {
        const fresh = lm.forward(tensor(rows, { dtype: 'int32' }), { lastOnly: true });
        const T = rows[0].length;
        const newest = tensor(rows.map((r) => r.slice(cache.length)), { dtype: 'int32' });
        assert.equal(newest.shape[1], step === 0 ? 1 : 1);
        const cached = lm.forward(newest, { cache, lastOnly: true });
        assertClose(cached, fresh, 1e-5, 1e-4);
        assert.equal(cache.length, T);
        rows.forEach((r, b) => r.push(3 + ((step * 5 + b * 3) % 14)));
      }
      // A reorder moves both the self-attention and the memory keys of a row (here: both rows take row 1).
      const both = [rows[1].slice(), rows[1].slice()];
      cache.reorder([1, 1]);
      const lm2 = m.conditionedOn([sources[1], sources[1]]);
      const fresh = lm2.forward(tensor(both, { dtype: 'int32' }), { lastOnly: true });
      const cached = lm.forward(tensor(both.map((r) => r.slice(cache.length)), { dtype: 'int32' }), { cache, lastOnly: true });
      assertClose(cached, fresh, 1e-5, 1e-4);
    });
  });
}

test('Seq2SeqTransformer: loss ignores padding and smooths labels', () => {
  const m = small({ srcVocabSize: DIGIT_VOCAB, tgtVocabSize: DIGIT_VOCAB });
  const one = pairBatch([[[3, 4], [5, 6]]]);
  const two = pairBatch([[[3, 4], [5, 6]], [[3, 4, 5, 6, 7], [8, 9, 10, 11, 12]]]);
  const l1 = m.loss(one.src, one.tgtIn, one.tgtOut, 0).item();
  const l2rows = m.loss(two.src.slice([0, 1]), two.tgtIn.slice([0, 1]), two.tgtOut.slice([0, 1]), 0).item();
  assert.ok(Math.abs(l1 - l2rows) < 1e-5, `padding changed the loss: ${l1} vs ${l2rows}`);
  assert.notEqual(m.loss(one.src, one.tgtIn, one.tgtOut, 0.1).item(), l1);
});

test('Seq2SeqTransformer: a tiny model learns to reverse digit sequences (greedy and beam search)', () => {
  const model = trainReverser();
  const tests = digitSequences(40, new Generator(99));
  const sources = tests.map((s) => [...s, 2]);
  const greedy = generateSeq2Seq(model, sources, { maxNewTokens: 8 });
  const beam = generateSeq2Seq(model, sources, { maxNewTokens: 8, numBeams: 3, numReturnSequences: 2 });
  const output = (row: number[]) => {
    const end = row.indexOf(2, 1);
    return row.slice(1, end < 0 ? row.length : end);
  };
  const accuracy = (rows: number[][], every: number) => tests.filter((s, i) => output(rows[i * every]).join() === [...s].reverse().join()).length / tests.length;
  const greedyAcc = accuracy(greedy.sequences, 1);
  const beamAcc = accuracy(beam.sequences, 2);
  assert.ok(greedyAcc >= 0.9, `greedy accuracy ${greedyAcc}`);
  assert.ok(beamAcc >= 0.9, `beam accuracy ${beamAcc}`);
  assert.equal(beam.sequences.length, 2 * tests.length);
  const uncached = generateSeq2Seq(model, sources.slice(0, 5), { maxNewTokens: 8, numBeams: 3, useCache: false });
  assert.deepEqual(uncached.sequences, generateSeq2Seq(model, sources.slice(0, 5), { maxNewTokens: 8, numBeams: 3 }).sequences);
  const forced = generateSeq2Seq(model, sources.slice(0, 2), { maxNewTokens: 4, forcedBosTokenId: 12, minNewTokens: 3 });
  assert.ok(forced.sequences.every((r) => r[1] === 12 && !r.slice(1, 4).includes(2)));
  const sampled = (seed: number) => generateSeq2Seq(model, sources.slice(0, 3), { doSample: true, topK: 3, seed, numReturnSequences: 2, maxNewTokens: 8 }).sequences;
  assert.equal(sampled(7).length, 6);
  assert.deepEqual(sampled(7), sampled(7));
  assert.ok(sampled(7).every((r) => r[0] === 1 && r.slice(1).every((t) => t === 0 || t >= 2)), 'no BOS after the start token');
  assert.throws(() => generateSeq2Seq(model, sources.slice(0, 1), { maxNewTokens: 32 }), /maxNewTokens 32 \+ the start token exceed the decoder's 32 positions/);
});

test('positional encoding: rows computed as positions are reached equal the whole table, at any offset', () => {
  const pe = new PositionalEncoding(6, 1000, 0);
  const table = sinusoidalTable(1000, 6);
  const zero = (T: number) => tensor(new Float32Array(T * 6), { shape: [1, T, 6] });
  for (const [offset, T] of [[0, 3], [60, 10], [500, 1], [0, 200], [990, 10]]) {
    assert.deepEqual([...pe.forward(zero(T), offset).toTypedArray()], [...table.slice(offset * 6, (offset + T) * 6)], `offset ${offset}`);
  }
  assert.throws(() => pe.forward(zero(2), 999), /positions up to 1001 exceed maxPositions 1000/);
});
