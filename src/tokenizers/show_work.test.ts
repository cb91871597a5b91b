import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { SHARED_MISSING, sharedDir } from '../testing/shared.js';
import { encodeAndShowWork } from './show_work.js';
import { Tokenizer } from './tokenizer.js';

const shared = sharedDir();

test('encodeAndShowWork: the slow twin gives the fast ids and lists each merge', { skip: shared ? false : SHARED_MISSING }, () => {
  const tok = Tokenizer.fromPretrained(path.join(shared!, 'fixtures', 'tokenizers', 'gpt2'));
  const text = 'Hello world<|endoftext|> lowering 中文 😀 aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
  const work = encodeAndShowWork(tok, text);
  assert.deepEqual(work.ids, tok.encodeIds(text));
  assert.deepEqual(tok.encodeAndShowWork(text).ids, work.ids);
  const hello = work.words[0];
  assert.equal(hello.word, 'Hello');
  assert.deepEqual(hello.initial, ['H', 'e', 'l', 'l', 'o']);
  assert.deepEqual(hello.merges.at(-1)!.tokens, ['Hello']);
  for (const w of work.words) {
    for (const m of w.merges) {
      assert.equal(m.tokens.join(''), w.initial.join(''));
      assert.equal(m.result, m.pair.join(''));
    }
  }
  const long = work.words.at(-1)!;
  assert.equal(long.initial.length, 49);
  assert.ok(long.merges.length > 5);
  assert.ok(work.words.some((w) => w.word === '<|endoftext|>' && w.merges.length === 0));
});
