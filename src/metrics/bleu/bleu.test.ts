import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { LmkitError } from '../../errors.js';
import { SHARED_MISSING, sharedDir } from '../../testing/shared.js';
import { lmkitVersion } from '../../version.js';
import { corpusBleu, sentenceBleu } from './bleu.js';
import { corpusChrf, sentenceChrf } from './chrf.js';

const shared = sharedDir();

interface Case {
  name: string;
  hyps: string[];
  refs: string[][];
  bleu: number;
  bleu_str: string;
  chrf: number;
  sentence_bleu_first20: number[];
}

const close4 = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= 5e-5 + 1e-12, `${what}: expected ${expected}, got ${actual}`);

test('sacreBLEU 2.6.0 fixtures: corpus BLEU, its printed form, chrF and sentence BLEU, every case', { skip: shared ? false : SHARED_MISSING }, () => {
  const file = path.join(shared!, 'fixtures', 'metrics', 'bleu_cases.jsonl');
  const cases: Case[] = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  assert.ok(cases.length > 0);
  for (const c of cases) {
    const bleu = corpusBleu(c.hyps, c.refs);
    close4(bleu.score, c.bleu, `${c.name} bleu`);
    assert.equal(bleu.formatted, c.bleu_str, c.name);
    close4(corpusChrf(c.hyps, c.refs).score, c.chrf, `${c.name} chrf`);
    c.sentence_bleu_first20.forEach((expected, i) => {
      const refs = c.refs.map((stream) => stream[i]);
      close4(sentenceBleu(c.hyps[i], refs).score, expected, `${c.name} sentence ${i}`);
    });
  }
});

const err = (fn: () => unknown, re: RegExp) => assert.throws(fn, (e: unknown) => e instanceof LmkitError && re.test(e.message));

test('sentence BLEU worked by hand, under each smoothing', () => {
  // "the cat sat on the mat" vs "the cat is on the mat": matches 5/6, 3/5, 1/4, 0/3; BP = 1
  const hyp = 'the cat sat on the mat';
  const ref = ['the cat is on the mat'];
  const exp = sentenceBleu(hyp, ref);
  assert.deepEqual([exp.counts, exp.totals], [[5, 3, 1, 0], [6, 5, 4, 3]]);
  // exp: the first zero order gets 100 / (2 · 3)
  close4(exp.score, Math.pow((500 / 6) * 60 * 25 * (100 / 6), 1 / 4), 'exp');
  // floor: 100 · 0.1 / 3
  close4(sentenceBleu(hyp, ref, { smooth: 'floor' }).score, Math.pow((500 / 6) * 60 * 25 * (10 / 3), 1 / 4), 'floor');
  // add-k: k = 1 added to matches and totals of orders 2..4 → 5/6, 4/6, 2/5, 1/4
  const addK = sentenceBleu(hyp, ref, { smooth: 'add-k' });
  assert.deepEqual([addK.counts, addK.totals], [[5, 4, 2, 1], [6, 6, 5, 4]]);
  close4(addK.score, Math.pow((500 / 6) * (400 / 6) * 40 * 25, 1 / 4), 'add-k');
  assert.equal(sentenceBleu(hyp, ref, { smooth: 'none' }).score, 0);
  assert.equal(addK.signature, `nrefs:1|case:mixed|eff:yes|tok:13a|smooth:add-k[1.00]|version:lmkit-${lmkitVersion()}`);
  assert.match(sentenceBleu(hyp, ref, { smooth: 'floor' }).signature, /\|smooth:floor\[0\.10\]\|/);
});

test('effective order: a two-word hypothesis is scored on orders 1–2 only at sentence level', () => {
  // "the cat" vs "the cat sat": p1 = p2 = 100%, no 3- or 4-grams; BP = exp(1 - 3/2)
  close4(sentenceBleu('the cat', ['the cat sat']).score, 100 * Math.exp(-0.5), 'eff yes');
  assert.ok(corpusBleu(['the cat'], [['the cat sat']]).score < 1e-6);
});

test('several references: n-gram counts clipped by the max over references, closest length (shorter on ties)', () => {
  // "a b c d" against "a b" and "c d e f": 4/4 unigrams, 2/3 bigrams (a b, c d), 0/2, 0/1; ref_len = 4
  const r = corpusBleu(['a b c d'], [['a b'], ['c d e f']]);
  assert.deepEqual([r.counts, r.totals, r.refLen], [[4, 2, 0, 0], [4, 3, 2, 1], 4]);
  close4(r.score, Math.pow(100 * (200 / 3) * (100 / 4) * (100 / 4), 1 / 4), 'multi-ref');
  assert.match(r.signature, /^nrefs:2\|/);
  // hypothesis of 3 tokens, references of 2 and 4: equally close, the shorter one counts
  assert.equal(corpusBleu(['a b c'], [['a b'], ['a b c d']]).refLen, 2);
  // a missing (null) reference for one segment: a variable number of references
  assert.match(corpusBleu(['a b', 'c d'], [['a b', 'c d'], ['a b', null]]).signature, /^nrefs:var\|/);
});

test('Chinese with tok zh, worked by hand; 13a sees one long word and scores 0', () => {
  // 我爱北京 against 我爱北京天安门: 4/4, 3/3, 2/2, 1/1 → all precisions 100; BP = exp(1 - 7/4)
  const zh = corpusBleu(['我爱北京'], [['我爱北京天安门']], { tokenize: 'zh' });
  close4(zh.score, 100 * Math.exp(-0.75), 'zh');
  assert.equal(zh.formatted, 'BLEU = 47.24 100.0/100.0/100.0/100.0 (BP = 0.472 ratio = 0.571 hyp_len = 4 ref_len = 7)');
  assert.match(zh.signature, /\|tok:zh\|/);
  assert.equal(corpusBleu(['我爱北京'], [['我爱北京天安门']]).score, 0);
});

test('lowercase option and case-insensitive signature', () => {
  const r = corpusBleu(['The Cat'], [['the cat']], { lowercase: true, effectiveOrder: true });
  close4(r.score, 100, 'lowercase');
  assert.match(r.signature, /^nrefs:1\|case:lc\|eff:yes\|/);
});

test('edge cases: empty hypotheses and references score 0; mismatched streams are named', () => {
  const empty = corpusBleu([''], [['a b']]);
  assert.equal(empty.formatted, 'BLEU = 0.00 0.0/0.0/0.0/0.0 (BP = 0.000 ratio = 0.000 hyp_len = 0 ref_len = 2)');
  const noRef = corpusBleu(['a b'], [['']]);
  assert.deepEqual([noRef.score, noRef.ratio, noRef.refLen], [0, 0, 0]);
  assert.equal(corpusBleu([''], [['']]).score, 0);
  assert.equal(corpusChrf([''], [['a b']]).score, 0);
  assert.equal(corpusChrf(['a b'], [['']]).score, 0);
  err(() => corpusBleu(['a', 'b', 'c'], [['a', 'b']]), /^bleu: reference stream 1 has 2 lines, expected 3 \(one per hypothesis\)$/);
  err(() => corpusChrf(['a'], [['a'], ['b', 'c']]), /^chrf: reference stream 2 has 2 lines, expected 1/);
  err(() => corpusBleu(['a'], ['a'] as unknown as string[][]), /reference stream 1: expected a list of lines/);
  err(() => corpusBleu([], []), /expected a non-empty list of hypotheses/);
  err(() => corpusBleu(['a'], [[null]]), /hypothesis 1 has no reference/);
  err(() => corpusBleu(['a'], [['a']], { smooth: 'add-one' as 'add-k' }), /smooth must be one of exp, floor, add-k, none, got "add-one"/);
});

test('chrF and chrF++ worked by hand', () => {
  // "abc" vs "abd": char 1-grams 2/3 both ways, 2-grams 1/2, 3-grams 0/1; orders 4–6 have no n-grams
  close4(corpusChrf(['a bc'], [['abd']]).score, (100 * 7) / 18, 'chrF');
  // "a cat" vs "a cat.": precisions all 1; recalls 4/5, 3/4, 2/3, 1/2 (chars 1–4), 2/3, 1/2 (words 1–2;
  // "cat." splits into "cat" "."); char 5-grams exist only in the reference and do not count
  const pp = corpusChrf(['a cat'], [['a cat.']], { wordOrder: 2 });
  const R = (4 / 5 + 3 / 4 + 2 / 3 + 1 / 2 + 2 / 3 + 1 / 2) / 6;
  close4(pp.score, 100 * ((5 * R) / (4 + R)), 'chrF++');
  assert.equal(pp.formatted.split(' = ')[0], 'chrF2++');
  assert.equal(pp.signature, `nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:lmkit-${lmkitVersion()}`);
  // characters are code points: an emoji (two UTF-16 units) counts as one character, like x
  close4(sentenceChrf('a😀b😀c', ['a😀b😀d']).score, sentenceChrf('axbxc', ['axbxd']).score, 'code points');
  // the better of two references counts
  close4(sentenceChrf('abc', ['xyz', 'abc']).score, 100, 'best reference');
});
