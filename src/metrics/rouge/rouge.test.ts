import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LmkitError } from '../../errors.js';
import { bootstrapRouge } from './bootstrap.js';
import { corpusRouge, sentenceRouge, type RougeScore } from './rouge.js';
import { rougeTokens } from './tokenize.js';

const near = (actual: RougeScore | undefined, p: number, r: number, f: number, places = 1e-9) => {
  assert.ok(actual, 'score missing');
  assert.ok(Math.abs(actual.precision - p) <= places, `precision: expected ${p}, got ${actual.precision}`);
  assert.ok(Math.abs(actual.recall - r) <= places, `recall: expected ${r}, got ${actual.recall}`);
  assert.ok(Math.abs(actual.fmeasure - f) <= places, `fmeasure: expected ${f}, got ${actual.fmeasure}`);
};

test("rouge-score's tokenizer: lower case, [a-z0-9] runs only; stems words longer than 3 letters", () => {
  assert.deepEqual(rougeTokens("It's the U.S.A.'s 2nd café!"), ['it', 's', 'the', 'u', 's', 'a', 's', '2nd', 'caf']);
  assert.deepEqual(rougeTokens('Running dogs ran', 'default', true), ['run', 'dog', 'ran']);
  assert.deepEqual(rougeTokens('我爱Python 3'), ['python', '3']);
  assert.deepEqual(rougeTokens('我爱Python 3', 'cjk'), ['我', '爱', 'python', '3']);
  assert.deepEqual(rougeTokens('東京タワーへ行きました', 'cjk'), [...'東京タワーへ行きました']);
  assert.deepEqual(rougeTokens('a-b c', (t) => t.split(' ')), ['a-b', 'c']);
});

test('rougeN, rougeL and rougeLsum worked by hand', () => {
  // target w1..w5, prediction w5 w1 w3 w2 w4: all 5 unigrams match; no bigram does (w5w1 w1w3 w3w2 w2w4
  // against w1w2 w2w3 w3w4 w4w5); the LCS is 3 long (w1 w3 w4, or w1 w2 w4)
  const s = sentenceRouge('w5 w1 w3 w2 w4', 'w1 w2 w3 w4 w5', { types: ['rouge1', 'rouge2', 'rougeL'] });
  near(s.rouge1, 1, 1, 1);
  near(s.rouge2, 0, 0, 0);
  near(s.rougeL, 3 / 5, 3 / 5, 3 / 5);
  // clipped counts: "the" twice in the prediction, once in the target → 1 of 3 prediction unigrams overlap
  near(sentenceRouge('the the cat', 'the dog', { types: ['rouge1'] }).rouge1, 2 / 3 - 1 / 3, 1 / 2, 2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2));
  // summary level: target "a b c d e" against prediction sentences "a b x y z" and "a c z z e": the union
  // of the LCSs is {a, b} ∪ {a, c, e} = a b c e → 4 hits; recall 4/5, precision 4/10
  const sum = sentenceRouge('a b x y z\na c z z e', 'a b c d e', { types: ['rougeLsum', 'rougeL'] });
  near(sum.rougeLsum, 4 / 10, 4 / 5, (2 * 0.4 * 0.8) / 1.2);
  // rougeL over the whole text: the LCS of "a b c d e" with the ten prediction tokens is a b c e → 4
  near(sum.rougeL, 4 / 10, 4 / 5, (2 * 0.4 * 0.8) / 1.2);
});

test("rouge-score's own tests (google-research/rouge/rouge_scorer_test.py and testdata/), to 5 places", () => {
  // rouge_scorer_test.py: testRouge1, testRouge2, testRougeLConsecutive, testRougeLNonConsecutive
  near(sentenceRouge('testing', 'testing one two').rouge1, 1, 1 / 3, 1 / 2);
  near(sentenceRouge('testing one', 'testing one two').rouge2, 1, 1 / 2, 2 / 3);
  near(sentenceRouge('testing one', 'testing one two').rougeL, 1, 2 / 3, 4 / 5);
  near(sentenceRouge('testing two', 'testing one two').rougeL, 1, 2 / 3, 4 / 5);
  // testRougeLsum: target "w1 w2 w3 w4 w5", prediction "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5"
  near(sentenceRouge('w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5', 'w1 w2 w3 w4 w5').rougeLsum, 0.4, 0.8, 0.5333, 5e-5);
  // testdata/target.txt and testdata/prediction.txt (first lines of each), scores from ROUGE-1.5.5
  const targets = [
    "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L\n",
    "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN\n",
  ];
  const predictions = [
    "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi\n",
    "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD\n",
  ];
  const at5 = 5e-6;
  const plain = predictions.map((p, i) => sentenceRouge(p, targets[i], { types: ['rouge1', 'rouge2', 'rougeL'] }));
  near(plain[0].rouge1, 0.6875, 0.40741, 0.51163, at5);
  near(plain[1].rouge1, 0.65385, 0.40476, 0.5, at5);
  near(plain[0].rouge2, 0.53333, 0.30769, 0.39024, at5);
  near(plain[1].rouge2, 0.48, 0.29268, 0.36364, at5);
  near(plain[0].rougeL, 0.6875, 0.40741, 0.51163, at5);
  near(plain[1].rougeL, 0.65385, 0.40476, 0.5, at5);
  const stemmed = predictions.map((p, i) => sentenceRouge(p, targets[i], { types: ['rouge1', 'rouge2'], stem: true }));
  near(stemmed[0].rouge1, 0.6875, 0.40741, 0.51163, at5);
  near(stemmed[1].rouge1, 0.69231, 0.42857, 0.52941, at5);
  near(stemmed[1].rouge2, 0.48, 0.29268, 0.36364, at5);
  // testRougeLSumAgainstRouge155WithStemming: pyrouge_files/target_multi.0.txt, prediction_multi.0.txt
  const targetMulti = targets.join('') +
    "NhETebUbBk'er WOvoHMTjSRizKgH'vHiing Xu,hWxfs VkNE QhgKiLHE -HidivzoM.dO anhtion jbLQiSGDTCsuhREebUaKM dv J dVN tmbOT\n" +
    "vMR HDm,xOAetion D,tion HJtodT.mHl UIv-p VjWH'BdyWjnfGU-OjT aEMdFICyLWfQMtion wEMfdOKing AwkeKbO 'DxqNOHBH qKtVvm OYJl mM\n";
  const predictionMulti = predictions.join('') +
    "xfs VkJE QhgKiLHE -HidivzoM.dO anhing jbLQiSGDTCsuhREebUaKM dv J\n" +
    "VjWH'BdyWjnfGU-OjTNaEMdFICyLWfQMing wEMfdOKijg AwkeKbO 'DxqNO\n";
  near(sentenceRouge(predictionMulti, targetMulti, { types: ['rougeLsum'], stem: true }).rougeLsum, 0.66667, 0.36538, 0.47205, at5);
});

test('Chinese: zero under the default tokenizer, character-level with the cjk tokenizer', () => {
  // 猫坐在垫子上 against 猫在垫子上: 6 and 5 characters, 5 shared unigrams; bigrams 猫坐 坐在 在垫 垫子 子上
  // against 猫在 在垫 垫子 子上 share 3; the LCS is 猫在垫子上 (5)
  const pred = '猫坐在垫子上';
  const ref = '猫在垫子上';
  const def = sentenceRouge(pred, ref);
  for (const t of ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'] as const) near(def[t], 0, 0, 0);
  const cjk = sentenceRouge(pred, ref, { tokenizer: 'cjk' });
  near(cjk.rouge1, 5 / 6, 1, 10 / 11);
  near(cjk.rouge2, 3 / 5, 3 / 4, 2 / 3);
  near(cjk.rougeL, 5 / 6, 1, 10 / 11);
  near(cjk.rougeLsum, 5 / 6, 1, 10 / 11);
});

test('several references: each type keeps the best F-measure; the corpus score is the mean of the segments', () => {
  const s = sentenceRouge('a b c', ['a x y', 'a b z'], { types: ['rouge1'] });
  near(s.rouge1, 2 / 3, 2 / 3, 2 / 3);
  const c = corpusRouge(['a b', 'c d', 'e f'], [['a b', 'x y', 'e']], { types: ['rouge1'] });
  // segment F-measures: 1, 0 and 2·(1/2)·1/(3/2) = 2/3
  near(c.scores.rouge1, (1 + 0 + 1 / 2) / 3, (1 + 0 + 1) / 3, (1 + 0 + 2 / 3) / 3);
  assert.equal(c.segments.length, 3);
});

test('edge cases: empty texts score 0; bad streams and types are named', () => {
  for (const [pred, ref] of [['', 'testing one two'], ['testing', ''], ['', ''], ['/', 'w1 w2']]) {
    const s = sentenceRouge(pred, ref);
    for (const t of ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'] as const) near(s[t], 0, 0, 0);
  }
  const err = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof LmkitError && re.test(e.message));
  err(() => corpusRouge(['a', 'b'], [['a']]), /rouge: reference stream 1 has 1 lines, expected 2 \(one per hypothesis\)/);
  err(() => corpusRouge([], [[]]), /rouge: expected a non-empty list of hypotheses/);
  err(() => sentenceRouge('a', 'a', { types: ['rouge10' as 'rouge1'] }), /unknown type "rouge10"/);
  err(() => sentenceRouge('a', []), /at least one reference/);
});

test('bootstrap aggregation: percentiles of resampled means bracket the mean; constant scores give a point', () => {
  const preds = ['a b c', 'a b', 'x y', 'a', 'b c d e', 'q'];
  const { scores, segments } = corpusRouge(preds, [['a b c', 'a b c', 'a b c', 'a b c', 'b c d', 'a']], { types: ['rouge1'] });
  const ci = bootstrapRouge(segments, { samples: 500, seed: 3 }).rouge1!;
  for (const m of ['precision', 'recall', 'fmeasure'] as const) {
    assert.ok(ci.low[m] <= ci.mid[m] && ci.mid[m] <= ci.high[m], m);
    assert.ok(ci.low[m] < scores.rouge1![m] && scores.rouge1![m] < ci.high[m], `${m}: the mean lies inside the interval`);
    assert.ok(ci.high[m] - ci.low[m] > 0.05, `${m}: the segments differ, so the interval has width`);
  }
  assert.deepEqual(bootstrapRouge(segments, { samples: 500, seed: 3 }), bootstrapRouge(segments, { samples: 500, seed: 3 }));
  const same = bootstrapRouge(corpusRouge(['a b', 'a b'], [['a b', 'a b']], { types: ['rougeL'] }).segments).rougeL!;
  assert.deepEqual([same.low.fmeasure, same.mid.fmeasure, same.high.fmeasure], [1, 1, 1]);
});
