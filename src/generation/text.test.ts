import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { sharedDir, SHARED_MISSING } from '../testing/shared.js';
import { Tokenizer } from '../tokenizers/tokenizer.js';
import { IncrementalDecoder, StopStringMatcher } from './text.js';

const SHARED = sharedDir();

test('GPT-2 byte-level tokens: Chinese characters and emoji are released whole, and the pieces join to the text', { skip: SHARED ? false : SHARED_MISSING }, () => {
  const tok = Tokenizer.fromPretrained(path.join(SHARED!, 'fixtures/tokenizers/gpt2'));
  const text = '你好，世界 🌍 café';
  const ids = tok.encode(text).ids;
  const decoder = new IncrementalDecoder(tok);
  const pieces = ids.map((id) => decoder.push(id));
  pieces.push(decoder.flush());
  assert.ok(pieces.every((p) => !p.includes('\uFFFD')), JSON.stringify(pieces));
  assert.equal(pieces.join(''), text);
  assert.ok(pieces.includes('你') && pieces.includes('好'));
});

test('stop strings: the text is cut before the first stop string, and a possible start of one is held back', () => {
  const m = new StopStringMatcher(['###', 'END']);
  assert.equal(m.append('Hello #'), false);
  assert.equal(m.safeLength, 'Hello '.length); // "#" may begin "###"
  assert.equal(m.append('#'), false);
  assert.equal(m.safeLength, 'Hello '.length);
  assert.equal(m.append(' x'), false);
  assert.equal(m.safeLength, 'Hello ## x'.length);
  assert.equal(m.append(' EN'), false);
  assert.equal(m.append('D and more'), true);
  assert.equal(m.result, 'Hello ## x ');
  assert.equal(m.safeLength, 'Hello ## x '.length);
});
