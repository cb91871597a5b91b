import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NormalizedString } from '../normalized_string.js';
import type { Normalizer } from '../types.js';
import { BertNormalizer } from './bert.js';
import { Lowercase } from './lowercase.js';
import { NormalizerSequence } from './sequence.js';
import { Strip } from './strip.js';
import { StripAccents } from './strip_accents.js';
import { UnicodeNormalizer } from './unicode_form.js';

/** The normalized text and, for each normalized unit, the original slice it came from. */
function run(n: Normalizer, text: string): [string, string[]] {
  const s = new NormalizedString(text);
  n.normalize(s);
  const units = [...Array(s.normalized.length).keys()].map((i) => text.slice(...s.originalRange(i, i + 1)));
  return [s.normalized, units];
}

test('BertNormalizer: controls removed, whitespace → space, CJK padded, accents stripped, lower-cased', () => {
  assert.deepEqual(run(new BertNormalizer(), 'Á\tb\u200b中'), ['a b 中 ', ['Á', '\t', 'b', '中', '中', '中']]);
  assert.equal(run(new BertNormalizer({ lowercase: false }), 'Áb')[0], 'Áb');
  assert.equal(run(new BertNormalizer({ lowercase: false, stripAccents: true }), 'Áb')[0], 'Ab');
  assert.equal(run(new BertNormalizer({ lowercase: true, stripAccents: false }), 'Áb')[0], 'áb');
  assert.equal(run(new BertNormalizer({ handleChineseChars: false }), '中文')[0], '中文');
});

test('Unicode forms, Lowercase, StripAccents, Strip and Sequence keep alignments', () => {
  assert.deepEqual(run(new UnicodeNormalizer('NFD'), 'é'), ['e\u0301', ['é', 'é']]);
  assert.deepEqual(run(new UnicodeNormalizer('NFC'), 'e\u0301x'), ['éx', ['e\u0301', 'x']]);
  assert.deepEqual(run(new UnicodeNormalizer('NFKC'), 'ｆｉ'), ['fi', ['ｆ', 'ｉ']]);
  assert.deepEqual(run(new Lowercase(), 'AİB')[0], 'ai\u0307b');
  assert.deepEqual(run(new NormalizerSequence([new UnicodeNormalizer('NFD'), new StripAccents()]), 'Café'), ['Cafe', ['C', 'a', 'f', 'é']]);
  assert.deepEqual(run(new Strip(), '  hi '), ['hi', ['h', 'i']]);
});
