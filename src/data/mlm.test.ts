import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tinyBertTokenizer } from '../testing/tiny-bert-tokenizer.js';
import { Generator } from '../tensor/random.js';
import { encodeSentencePairs, maskingOptionsOf, maskTokens, mlmCollator, nextSentencePairs } from './mlm.js';

test('maskTokens: 15% of the ordinary tokens selected; of those 80% [MASK], 10% random, 10% kept; labels -100 elsewhere', () => {
  const V = 1000;
  const ids = Array.from({ length: 40000 }, (_, i) => (i % 10 === 0 ? 1 : 5 + (i * 7919) % (V - 5))); // every tenth a special token
  const { inputIds, labels } = maskTokens(ids, { vocabSize: V, maskTokenId: 4, specialTokenIds: [1], generator: new Generator(0) });
  let selected = 0;
  let masked = 0;
  let kept = 0;
  let replaced = 0;
  ids.forEach((id, i) => {
    if (id === 1 || labels[i] === -100) {
      assert.equal(inputIds[i], id, 'a token that was not selected is unchanged');
      assert.equal(labels[i], -100);
      return;
    }
    selected++;
    assert.equal(labels[i], id, 'the label of a selected token is the original token');
    if (inputIds[i] === 4) masked++;
    else if (inputIds[i] === id) kept++;
    else replaced++;
  });
  const ordinary = ids.filter((id) => id !== 1).length;
  assert.ok(Math.abs(selected / ordinary - 0.15) < 0.01, `selected ${selected / ordinary}`);
  assert.ok(Math.abs(masked / selected - 0.8) < 0.02, `masked ${masked / selected}`);
  assert.ok(Math.abs(replaced / selected - 0.1) < 0.015, `replaced ${replaced / selected}`);
  assert.ok(Math.abs(kept / selected - 0.1) < 0.015, `kept ${kept / selected}`);
  const again = maskTokens(ids, { vocabSize: V, maskTokenId: 4, specialTokenIds: [1], generator: new Generator(0) });
  assert.deepEqual(again.inputIds, inputIds, 'the same seed masks the same way');
  const other = maskTokens(ids, { vocabSize: V, maskTokenId: 4, specialTokenIds: [1], generator: new Generator(1) });
  assert.notDeepEqual(other.labels, labels);
  assert.throws(() => maskTokens(ids, { vocabSize: V, maskTokenId: 4, specialTokenIds: [], mlmProbability: 2 }), /mlmProbability must be in \[0, 1\], got 2/);
});

test('mlmCollator pads, never selects [CLS], [SEP] or padding, and stacks segments and NSP labels', () => {
  const tok = tinyBertTokenizer();
  const opts = maskingOptionsOf(tok, { mlmProbability: 1, generator: new Generator(3) });
  assert.deepEqual([...opts.specialTokenIds].sort(), [0, 1, 2, 3, 4]);
  assert.equal(opts.maskTokenId, 4);
  const examples = encodeSentencePairs([
    { first: 'the cat sat', second: 'on the hill', nextSentenceLabel: 0 },
    { first: 'a dog', second: 'ate', nextSentenceLabel: 1 },
  ], tok);
  assert.deepEqual(Array.from(examples[1].ids), [2, 6, 8, 3, 44, 3]); // [CLS] a dog [SEP] ate [SEP]
  assert.deepEqual(Array.from(examples[1].tokenTypeIds!), [0, 0, 0, 0, 1, 1]);
  const batch = mlmCollator({ ...opts, padId: 0 })(examples);
  assert.deepEqual(batch.inputIds.shape, [2, 9]); // [CLS] the cat sat [SEP] on the hill [SEP]
  assert.deepEqual(batch.attentionMask.tolist(), [[1, 1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 1, 0, 0, 0]]);
  assert.deepEqual(batch.tokenTypeIds.tolist(), [[0, 0, 0, 0, 0, 1, 1, 1, 1], [0, 0, 0, 0, 1, 1, 0, 0, 0]]);
  assert.deepEqual(batch.nextSentenceLabel!.tolist(), [0, 1]);
  // with probability 1 every ordinary token is selected and nothing else
  const labels = batch.labels.tolist() as number[][];
  const original = examples.map((e) => Array.from(e.ids));
  labels.forEach((row, b) => row.forEach((l, t) => {
    const id = original[b][t];
    assert.equal(l, id === undefined || id <= 4 ? -100 : id, `label ${b},${t}`);
  }));
});

test('nextSentencePairs: half actual successors (label 0), half random sentences of another document (label 1)', () => {
  const docs = Array.from({ length: 20 }, (_, d) => Array.from({ length: 30 }, (_, i) => `d${d}s${i}`));
  const pairs = nextSentencePairs(docs, { generator: new Generator(7) });
  assert.equal(pairs.length, 20 * 29);
  let next = 0;
  for (const p of pairs) {
    const [, d, i] = /^d(\d+)s(\d+)$/.exec(p.first)!.map(Number);
    if (p.nextSentenceLabel === 0) {
      next++;
      assert.equal(p.second, `d${d}s${i + 1}`);
    } else {
      assert.ok(!p.second.startsWith(`d${d}s`), 'a random second sentence comes from another document');
    }
  }
  assert.ok(Math.abs(next / pairs.length - 0.5) < 0.06, `next ${next / pairs.length}`);
  assert.deepEqual(nextSentencePairs(docs, { generator: new Generator(7) }), pairs);
  const single = nextSentencePairs([['a', 'b', 'c', 'd']], { generator: new Generator(1) });
  for (const p of single) if (p.nextSentenceLabel === 1) assert.notEqual(p.second, String.fromCharCode(p.first.charCodeAt(0) + 1));
});
