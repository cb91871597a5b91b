import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SHARED_MISSING, sharedDir } from '../testing/shared.js';
import { Tokenizer } from './tokenizer.js';

const shared = sharedDir();
const dir = shared ? path.join(shared, 'fixtures', 'tokenizers') : '';

interface Case {
  text: string;
  gpt2: number[];
  bert_base_uncased: number[];
  bert_base_uncased_tokens: string[];
  bert_decoded: string;
}

const cases = (): Case[] =>
  fs
    .readFileSync(path.join(dir, 'cases.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Case);

test('every GPT-2 case: ids, fast ids, and exact decode', { skip: shared ? false : SHARED_MISSING }, () => {
  const gpt2 = Tokenizer.fromPretrained(path.join(dir, 'gpt2'));
  const all = cases();
  assert.ok(all.length >= 40);
  for (const c of all) {
    assert.deepEqual(gpt2.encode(c.text).ids, c.gpt2, c.text);
    assert.deepEqual(gpt2.encodeIds(c.text), c.gpt2, c.text);
    assert.equal(gpt2.decode(c.gpt2), c.text);
  }
});

test('every BERT case: ids, tokens and decoded text', { skip: shared ? false : SHARED_MISSING }, () => {
  const bert = Tokenizer.fromFile(path.join(dir, 'bert-base-uncased', 'tokenizer.json'));
  for (const c of cases()) {
    const e = bert.encode(c.text);
    assert.deepEqual(e.ids, c.bert_base_uncased, c.text);
    assert.deepEqual(e.tokens, c.bert_base_uncased_tokens, c.text);
    assert.equal(bert.decode(e.ids, { skipSpecialTokens: true }), c.bert_decoded, c.text);
    assert.deepEqual(bert.encodeIds(c.text), c.bert_base_uncased);
  }
});

test('offsets point back into the original text', { skip: shared ? false : SHARED_MISSING }, () => {
  const bert = Tokenizer.fromPretrained(path.join(dir, 'bert-base-uncased'));
  const text = 'Naïve CAFÉ, 中文!';
  const e = bert.encode(text);
  const spans = e.tokens.map((t, i) => [t, text.slice(...e.offsets[i])]);
  assert.deepEqual(spans, [
    ['[CLS]', ''],
    ['naive', 'Naïve'],
    ['cafe', 'CAFÉ'],
    [',', ','],
    ['中', '中'],
    ['文', '文'],
    ['!', '!'],
    ['[SEP]', ''],
  ]);
  const gpt2 = Tokenizer.fromPretrained(path.join(dir, 'gpt2'));
  const g = gpt2.encode('Hi 😀 there<|endoftext|>');
  assert.deepEqual(
    g.tokens.map((t, i) => [t, g.offsets[i]]),
    [
      ['Hi', [0, 2]],
      ['ĠðŁĺ', [2, 5]],
      ['Ģ', [3, 5]],
      ['Ġthere', [5, 11]],
      ['<|endoftext|>', [11, 24]],
    ],
  );
});
