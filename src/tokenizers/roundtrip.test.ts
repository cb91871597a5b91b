import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Generator } from '../tensor/random.js';
import { SHARED_MISSING, sharedDir } from '../testing/shared.js';
import { Tokenizer } from './tokenizer.js';
import { trainByteLevelBpe } from './trainers/bpe.js';

const shared = sharedDir();

/** Pools of code points the random strings draw from. */
const POOLS: [number, number][] = [
  [0x20, 0x7e], // ASCII
  [0x09, 0x0d], // tab, newlines
  [0xa0, 0x17f], // Latin-1, Latin Extended-A
  [0x300, 0x36f], // combining marks
  [0x391, 0x3c9], // Greek
  [0x4e00, 0x9fff], // CJK
  [0x3040, 0x30ff], // kana
  [0xac00, 0xd7a3], // Hangul
  [0x1f300, 0x1faff], // emoji
  [0x1f1e6, 0x1f1ff], // regional indicators (flags)
  [0x2000, 0x206f], // general punctuation, odd spaces, zero-width characters
  [0x10000, 0x10ffff], // any astral code point
];

function randomString(g: Generator): string {
  const n = g.randint(0, 40);
  let s = '';
  for (let i = 0; i < n; i++) {
    if (g.random() < 0.15) {
      s += ' \t\n\u3000\u00a0'.charAt(g.randint(0, 5)).repeat(g.randint(1, 5));
      continue;
    }
    const [lo, hi] = POOLS[g.randint(0, POOLS.length)];
    let cp = g.randint(lo, hi + 1);
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x41;
    s += String.fromCodePoint(cp);
  }
  return s;
}

test('byte-level BPE: decode(encode(s)) === s on random Unicode (GPT-2)', { skip: shared ? false : SHARED_MISSING }, () => {
  const tok = Tokenizer.fromPretrained(path.join(shared!, 'fixtures', 'tokenizers', 'gpt2'));
  const g = new Generator(1234);
  for (let i = 0; i < 1500; i++) {
    const s = randomString(g);
    const ids = tok.encode(s).ids;
    assert.equal(tok.decode(ids), s, JSON.stringify(s));
    assert.deepEqual(tok.encodeIds(s), ids, JSON.stringify(s));
  }
});

test('byte-level BPE: a small trained tokenizer round-trips random Unicode, offsets cover the text', () => {
  const g = new Generator(99);
  const corpus = Array.from({ length: 300 }, () => randomString(g)).join('\n');
  const tok = trainByteLevelBpe(corpus, { vocabSize: 600 });
  for (let i = 0; i < 500; i++) {
    const s = randomString(g);
    const e = tok.encode(s);
    assert.equal(tok.decode(e.ids), s);
    for (const [a, b] of e.offsets) assert.ok(0 <= a && a <= b && b <= s.length, `offsets (${a}, ${b}) outside ${JSON.stringify(s)}`);
  }
});
