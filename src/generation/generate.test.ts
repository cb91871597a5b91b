import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generate, generateDetailed, generateStream, generateText } from './generate.js';
import { TableModel, ToyTokenizer } from './toy-model.test-util.js';

const E = 1e-9; // "impossible" (log gives a very negative logit)
// p(next | current) over tokens 0..3; token 0 is EOS.
const TABLE = [
  [0.25, 0.25, 0.25, 0.25],
  [0.1, 0.3, 0.3, 0.3],
  [0.9, 0.05, 0.05, E],
  [0.1, 0.5, 0.4, E],
];

test('greedy decoding follows the argmax chain (first index on ties) and reads only new tokens from the cache', () => {
  const model = new TableModel(TABLE);
  const out = generate(model, [[3]], { maxNewTokens: 3 });
  assert.deepEqual(out.shape, [1, 4]);
  assert.deepEqual(out.tolist(), [[3, 1, 1, 1]]);
  assert.deepEqual(model.calls.map((c) => c.T), [1, 1, 1]);
  assert.ok(model.calls.every((c) => c.cached));
});

test('without a cache every step re-reads the whole sequence and gives the same tokens', () => {
  const model = new TableModel(TABLE, false);
  const noCache = Object.assign(model, { newCache: undefined });
  const out = generate(noCache, [3, 2], { maxNewTokens: 3 });
  assert.deepEqual(out.tolist(), [[3, 2, 0, 0, 0]]);
  assert.deepEqual(model.calls.map((c) => c.T), [2, 3, 4]);
});

test('EOS ends a row; finished rows of a batch are padded with the pad id', () => {
  const model = new TableModel(TABLE);
  const out = generate(model, [[2], [3]], { maxNewTokens: 4, eosTokenId: 0, padTokenId: 3 });
  // row 0: 2 → 0 (EOS) then padding; row 1: 3 → 1 → 1 → 1 → 1
  assert.deepEqual(out.tolist(), [[2, 0, 3, 3, 3], [3, 1, 1, 1, 1]]);
  // all rows finished: generation stops early
  const both = generate(new TableModel(TABLE), [[2], [2]], { maxNewTokens: 4, eosTokenId: 0 });
  assert.deepEqual(both.tolist(), [[2, 0], [2, 0]]);
});

test('min new tokens keeps EOS away until enough tokens are out', () => {
  const out = generate(new TableModel(TABLE), [2], { maxNewTokens: 3, minNewTokens: 2, eosTokenId: 0 });
  assert.deepEqual(out.tolist(), [[2, 1, 1, 1]]);
});

test('left padding: the mask and positions from it reach the model, new positions continue each row', () => {
  const model = new TableModel(TABLE);
  generate(model, [[0, 3, 1], [3, 2, 1]], { maxNewTokens: 2, attentionMask: [[0, 1, 1], [1, 1, 1]] });
  assert.deepEqual(model.calls[0].mask, [[0, 1, 1], [1, 1, 1]]);
  assert.deepEqual(model.calls[0].positions, [[1, 0, 1], [0, 1, 2]]);
  assert.deepEqual(model.calls[1].mask, [[0, 1, 1, 1], [1, 1, 1, 1]]);
  assert.deepEqual(model.calls[1].positions, [[2], [3]]);
});

test('sampling with a seed is reproducible and leaves the global generator alone', () => {
  const a = generate(new TableModel(TABLE), [0], { maxNewTokens: 30, doSample: true, seed: 7 }).tolist();
  const b = generate(new TableModel(TABLE), [0], { maxNewTokens: 30, doSample: true, seed: 7 }).tolist();
  const c = generate(new TableModel(TABLE), [0], { maxNewTokens: 30, doSample: true, seed: 8 }).tolist();
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  // every token of the uniform row shows up, and impossible transitions (2 → 3, 3 → 3) never do
  const seq = (a as number[][])[0];
  for (let i = 1; i < seq.length; i++) assert.ok(!(seq[i] === 3 && (seq[i - 1] === 2 || seq[i - 1] === 3)));
});

test('sampling draws from the processed distribution: topK 1 is greedy where the top token is unique', () => {
  for (let seed = 0; seed < 20; seed++) {
    const out = generate(new TableModel(TABLE), [[3], [2]], { maxNewTokens: 1, doSample: true, topK: 1, seed });
    assert.deepEqual(out.tolist(), [[3, 1], [2, 0]]);
  }
});

test('numReturnSequences with sampling repeats each prompt', () => {
  const out = generate(new TableModel(TABLE), [[3], [2]], { maxNewTokens: 2, doSample: true, numReturnSequences: 3, seed: 1 });
  assert.deepEqual(out.shape, [6, 3]);
  const rows = out.tolist() as number[][];
  assert.deepEqual(rows.map((r) => r[0]), [3, 3, 3, 2, 2, 2]);
});

test('bad words and repetition penalty change the greedy path', () => {
  assert.deepEqual(generate(new TableModel(TABLE), [3], { maxNewTokens: 1, badWordsIds: [[1]] }).tolist(), [[3, 2]]);
  // 1 → {1, 2, 3} tie; penalising the seen 1 makes 2 the argmax
  assert.deepEqual(generate(new TableModel(TABLE), [1], { maxNewTokens: 1, repetitionPenalty: 1.5 }).tolist(), [[1, 2]]);
});

test('beam search finds the likelier sequence greedy misses and ranks hypotheses by length-normalised score', () => {
  // Worked by hand: [3, 2, EOS] scores ln(.4·.9)/2 = -0.511; [3, 1, 2, EOS] ln(.5·.3·.9)/3 = -0.667.
  const out = generate(new TableModel(TABLE), [3], { maxNewTokens: 3, numBeams: 2, numReturnSequences: 2, eosTokenId: 0 });
  assert.deepEqual(out.tolist(), [[3, 2, 0, 0], [3, 1, 2, 0]]);
  const greedy = generate(new TableModel(TABLE), [3], { maxNewTokens: 3, eosTokenId: 0 });
  assert.deepEqual(greedy.tolist(), [[3, 1, 1, 1]]);
});

test('beam search in a batch: a row whose hypotheses are done is padded while the other goes on', () => {
  // row [2]: EOS at once scores ln(.9)/1 = -0.105, better than anything longer; row [3] as above.
  const out = generate(new TableModel(TABLE), [[2], [3]], { maxNewTokens: 3, numBeams: 2, eosTokenId: 0, padTokenId: 3 });
  // as Hugging Face: sequences as long as the longest best hypothesis plus its EOS
  assert.deepEqual(out.tolist(), [[2, 0, 3], [3, 2, 0]]);
  // earlyStopping: true stops a row as soon as numBeams hypotheses are done, with the same best here
  const early = generate(new TableModel(TABLE), [[3]], { maxNewTokens: 3, numBeams: 2, eosTokenId: 0, earlyStopping: true });
  assert.deepEqual(early.tolist(), [[3, 2, 0]]);
});

test('beam search without EOS keeps the best running beams and reorders the cache', () => {
  const model = new TableModel(TABLE);
  const out = generate(model, [3], { maxNewTokens: 2, numBeams: 2, numReturnSequences: 2 });
  // [3, 2, 0]: .4·.9 = .36 beats [3, 1, x]: .5·.3 = .15
  assert.deepEqual((out.tolist() as number[][])[0], [3, 2, 0]);
  assert.equal(model.caches[0].reorders.length, 2);
});

test('stop strings end a row and cut the text before them; text pieces never split a character', async () => {
  // ids: 0 EOS, 1 "a", 2 "\n", 3/4/5 the three UTF-8 bytes of "中"
  const tok = new ToyTokenizer(['', 'a', '\n', [0xe4], [0xb8], [0xad]]);
  const chain = [
    [1, 0, 0, 0, 0, 0], [0, 0, 0, 1, 0, 0], [0, 1, 0, 0, 0, 0],
    [0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 1], [0, 0, 1, 0, 0, 0],
  ].map((r) => r.map((p) => p || E));
  // from 1 ("a"): 中 (3, 4, 5), then "\n" (2), then "a" ...
  const model = new TableModel(chain);
  const pieces: string[] = [];
  const tokens: number[] = [];
  for await (const chunk of generateStream(model, [1], { maxNewTokens: 10, tokenizer: tok, stopStrings: ['\na'] })) {
    pieces.push(chunk.text);
    tokens.push(chunk.token);
  }
  assert.deepEqual(tokens, [3, 4, 5, 2, 1]);
  assert.ok(pieces.every((p) => !p.includes('\uFFFD')));
  assert.deepEqual(pieces, ['', '', '中', '', '']);
  const text = generateText(new TableModel(chain), tok, 'a', { maxNewTokens: 10, stopStrings: ['\na'] });
  assert.equal(text, '中');
  const detailed = generateDetailed(new TableModel(chain), [1], { maxNewTokens: 10, tokenizer: tok, stopStrings: ['\na'] });
  assert.deepEqual(detailed.sequences, [[1, 3, 4, 5, 2, 1]]);
});

test('options are checked', () => {
  const model = new TableModel(TABLE);
  assert.throws(() => generate(model, [1], { topP: 0 }), /topP must be in \(0, 1\]/);
  assert.throws(() => generate(model, [1], { stopStrings: ['x'] }), /need a tokenizer/);
  assert.throws(() => generate(model, [1], { numReturnSequences: 2 }), /greedy decoding returns one sequence/);
  assert.throws(() => generate(model, [1], { bogus: 1 } as never), /unknown option "bogus"/);
  assert.throws(() => generate(model, [[1, 2], [1]]), /rows must have one length/);
});
