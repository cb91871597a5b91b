import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { LmkitError } from '../errors.js';
import { Tokenizer } from './tokenizer.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-tok-err-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, content: string): string {
  const p = path.join(tmp, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

function refuses(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof LmkitError, `expected an LmkitError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

const goodBpe = {
  model: { type: 'BPE', vocab: { a: 0, b: 1, ab: 2 }, merges: ['a b'] },
  pre_tokenizer: { type: 'ByteLevel' },
};

test('a well-formed minimal tokenizer.json loads', () => {
  const t = Tokenizer.fromFile(write('ok/tokenizer.json', JSON.stringify(goodBpe)));
  assert.deepEqual(t.encode('ab', null).ids, [2]);
});

test('malformed tokenizer.json files are refused naming the field', () => {
  refuses(() => Tokenizer.fromFile(write('bad1/tokenizer.json', '{"model": ')), /tokenizer\.json: not valid JSON/);
  refuses(() => Tokenizer.fromFile(write('bad2/tokenizer.json', '{}')), /model: expected an object, got nothing/);
  const cases: [object, RegExp][] = [
    [{ model: { type: 'BPE', vocab: [], merges: [] } }, /model\.vocab: expected an object of token → id, got an array/],
    [{ model: { type: 'BPE', vocab: { a: 'x' }, merges: [] } }, /model\.vocab\["a"\]: expected a non-negative integer id/],
    [{ model: { type: 'BPE', vocab: { a: 0, b: 1 }, merges: ['a b c'] } }, /model\.merges\[0\]: expected a string "a b"/],
    [{ model: { type: 'BPE', vocab: { a: 0, b: 1 }, merges: ['a b'] } }, /merges\[0\] "a b": token "ab" is not in the vocabulary/],
    [{ model: { type: 'BPE', vocab: { a: 0, b: 0 }, merges: [] } }, /id 0 is given to both "a" and "b"/],
    [{ model: { type: 'Unigram', vocab: [] } }, /model\.type: model "Unigram" is not supported/],
    [{ ...goodBpe, normalizer: { type: 'Bogus' } }, /normalizer\.type: normalizer "Bogus" is not supported/],
    [{ ...goodBpe, normalizer: { type: 'BertNormalizer', lowercase: 'yes' } }, /normalizer\.lowercase: expected true or false, got the string "yes"/],
    [{ ...goodBpe, pre_tokenizer: { type: 'Split', pattern: { Regex: ' ' }, behavior: 'Sideways' } }, /pre_tokenizer\.behavior: expected one of Removed/],
    [{ ...goodBpe, pre_tokenizer: { type: 'Split', pattern: { Regex: '(?<' }, behavior: 'Isolated' } }, /Split pre-tokenizer: pattern "\(\?<" is not a JavaScript regular expression/],
    [{ ...goodBpe, added_tokens: [{ content: '<x>' }] }, /added_tokens\[0\]\.id: expected a non-negative integer, got nothing/],
    [{ ...goodBpe, post_processor: { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '[CLS]' } }, { Sequence: { id: 'A' } }], pair: [], special_tokens: {} } }, /special token "\[CLS\]" of the template has no id/],
    [{ model: { type: 'WordPiece', vocab: { a: 0 } } }, /unk_token "\[UNK\]" is not in the vocabulary/],
  ];
  cases.forEach(([json, pattern], i) => refuses(() => Tokenizer.fromFile(write(`case${i}/tokenizer.json`, JSON.stringify(json))), pattern));
});

test('malformed vocab.json, merges.txt and vocab.txt are refused naming the line', () => {
  write('gpt/vocab.json', JSON.stringify({ a: 0, b: 1, ab: 2 }));
  write('gpt/merges.txt', '#version: 0.2\na b\nab\n');
  refuses(() => Tokenizer.fromPretrained(path.join(tmp, 'gpt')), /merges\.txt: line 3: expected two tokens separated by one space, got "ab"/);
  write('gpt2/vocab.json', JSON.stringify({ a: 0, b: -1 }));
  write('gpt2/merges.txt', '');
  refuses(() => Tokenizer.fromPretrained(path.join(tmp, 'gpt2')), /vocab\.json: "b": expected a non-negative integer id, got number -1/);
  write('bert/vocab.txt', '[PAD]\n[UNK]\nhello\n\nworld\n');
  refuses(() => Tokenizer.fromPretrained(path.join(tmp, 'bert')), /vocab\.txt: line 4: expected a token, got an empty line/);
  write('bert2/vocab.txt', '[UNK]\nhello\nhello\n');
  refuses(() => Tokenizer.fromPretrained(path.join(tmp, 'bert2')), /vocab\.txt: line 3: token "hello" already appears on line 2/);
  fs.mkdirSync(path.join(tmp, 'empty'), { recursive: true });
  refuses(() => Tokenizer.fromPretrained(path.join(tmp, 'empty')), /found no tokenizer \(expected tokenizer\.json/);
});

test('a BERT vocab.txt alone gives the BERT pipeline', () => {
  write('bertok/vocab.txt', ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'hello', 'world', '##s', ',', 'cafe'].join('\n'));
  const t = Tokenizer.fromPretrained(path.join(tmp, 'bertok'));
  const e = t.encode('Hello, worlds CAFÉ', 'x'.repeat(101));
  assert.deepEqual(e.tokens, ['[CLS]', 'hello', ',', 'world', '##s', 'cafe', '[SEP]', '[UNK]', '[SEP]']);
  assert.deepEqual(e.typeIds, [0, 0, 0, 0, 0, 0, 0, 1, 1]);
  assert.equal(t.decode(e.ids, { skipSpecialTokens: true }), 'hello, worlds cafe');
});
