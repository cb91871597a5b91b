import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BadWordsProcessor, MinNewTokensProcessor, MinPWarper, NoRepeatNgramProcessor, RepetitionPenaltyProcessor,
  TemperatureWarper, TopKWarper, TopPWarper, TypicalPWarper,
} from './processors.js';

const NEG = -Infinity;
const run = (p: { process(s: Float64Array, ids: readonly number[]): void }, scores: number[], ids: number[] = []) => {
  const s = Float64Array.from(scores);
  p.process(s, ids);
  return Array.from(s);
};
const logs = (probs: number[]) => probs.map(Math.log);
const kept = (out: number[]) => out.map((v) => v > NEG);

test('repetition penalty divides positive and multiplies negative logits of seen tokens, once each', () => {
  assert.deepEqual(run(new RepetitionPenaltyProcessor(2), [2, -2, 1, 0.5], [0, 1, 1]), [1, -4, 1, 0.5]);
});

test('no-repeat-ngram bans the tokens that would complete a seen n-gram', () => {
  // bigram (1, 2) was seen and the sequence ends with 1: token 2 is banned.
  assert.deepEqual(run(new NoRepeatNgramProcessor(2), [0, 0, 0, 0], [1, 2, 3, 1]), [0, 0, NEG, 0]);
  // trigram (1, 2, 3) was seen and the sequence ends with 1, 2: token 3 is banned.
  assert.deepEqual(run(new NoRepeatNgramProcessor(3), [0, 0, 0, 0], [1, 2, 3, 1, 2]), [0, 0, 0, NEG]);
  // too short to complete any trigram
  assert.deepEqual(run(new NoRepeatNgramProcessor(3), [0, 0, 0, 0], [1]), [0, 0, 0, 0]);
});

test('bad words: single tokens always, longer sequences when their prefix ends the sequence', () => {
  const p = new BadWordsProcessor([[3], [1, 2]]);
  assert.deepEqual(run(p, [0, 0, 0, 0], [0, 1]), [0, 0, NEG, NEG]);
  assert.deepEqual(run(p, [0, 0, 0, 0], [1, 0]), [0, 0, 0, NEG]);
});

test('min new tokens bans EOS until enough tokens follow the prompt', () => {
  const p = new MinNewTokensProcessor(2, 2, [0]);
  assert.deepEqual(run(p, [1, 1], [5, 5, 7]), [NEG, 1]);
  assert.deepEqual(run(p, [1, 1], [5, 5, 7, 7]), [1, 1]);
});

test('temperature divides the logits', () => {
  assert.deepEqual(run(new TemperatureWarper(2), [2, 4, -1]), [1, 2, -0.5]);
});

test('top-k keeps the k highest scores, ties with the k-th included', () => {
  assert.deepEqual(run(new TopKWarper(2), [1, 3, 2, 3]), [NEG, 3, NEG, 3]);
  assert.deepEqual(run(new TopKWarper(3), [1, 3, 2, 3]), [NEG, 3, 2, 3]);
  assert.deepEqual(run(new TopKWarper(10), [1, 3]), [1, 3]);
});

test('top-p keeps the smallest set reaching p, including the token that crosses it', () => {
  const probs = [0.15, 0.5, 0.05, 0.3];
  // 0.5 < 0.7, 0.5 + 0.3 crosses 0.7: {0.5, 0.3}
  assert.deepEqual(kept(run(new TopPWarper(0.7), logs(probs))), [false, true, false, true]);
  // 0.5 + 0.3 + 0.15 = 0.95 crosses 0.9
  assert.deepEqual(kept(run(new TopPWarper(0.9), logs(probs))), [true, true, false, true]);
  // p below the top probability keeps only the top token
  assert.deepEqual(kept(run(new TopPWarper(0.2), logs(probs))), [false, true, false, false]);
  // kept scores are unchanged
  assert.equal(run(new TopPWarper(0.7), logs(probs))[1], Math.log(0.5));
});

test('min-p drops tokens below min_p times the top probability', () => {
  const probs = [0.5, 0.3, 0.15, 0.05];
  assert.deepEqual(kept(run(new MinPWarper(0.2), logs(probs))), [true, true, true, false]); // threshold 0.1
  assert.deepEqual(kept(run(new MinPWarper(0.5), logs(probs))), [true, true, false, false]); // threshold 0.25
  assert.deepEqual(kept(run(new MinPWarper(1), logs(probs))), [true, false, false, false]);
});

test('typical-p keeps the tokens whose surprisal is closest to the entropy', () => {
  // H = 1.1421 nats; |−ln p − H| = 0.449, 0.062, 0.755, 1.854: token 1 is the most typical, then token 0.
  const probs = [0.5, 0.3, 0.15, 0.05];
  assert.deepEqual(kept(run(new TypicalPWarper(0.5), logs(probs))), [true, true, false, false]);
  assert.deepEqual(kept(run(new TypicalPWarper(0.2), logs(probs))), [false, true, false, false]);
  assert.deepEqual(kept(run(new TypicalPWarper(0.99), logs(probs))), [true, true, true, true]);
});
