import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { SHARED_MISSING, sharedDir } from '../../testing/shared.js';
import { Tokenizer } from '../tokenizer.js';
import { BpeTrainer, trainByteLevelBpe } from './bpe.js';
import { trainCharTokenizer } from './char.js';
import { trainWordTokenizer } from './word.js';
import { trainWordPiece } from './wordpiece.js';

const shared = sharedDir();
const skip = shared ? false : SHARED_MISSING;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-train-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const read = (...p: string[]) => fs.readFileSync(path.join(shared!, 'data', ...p), 'utf8');

test('BPE trainer: merges the most frequent pair, ties to the smallest ids, stops at minFrequency', () => {
  const counts = new Map([
    ['abab', 3],
    ['ab', 1],
    ['cd', 2],
  ]);
  const bpe = new BpeTrainer({ vocabSize: 100, specialTokens: ['<s>'] }).train(counts);
  assert.deepEqual(bpe.vocabList().slice(0, 5), ['<s>', 'a', 'b', 'c', 'd']);
  // ab: 3*2 + 1 = 7; ba: 3; cd: 2; then abab: 3.
  assert.deepEqual(bpe.merges, [
    ['a', 'b'],
    ['ab', 'ab'],
    ['c', 'd'],
  ]);
  const strict = new BpeTrainer({ vocabSize: 100, minFrequency: 3 }).train(counts);
  assert.deepEqual(strict.merges, [
    ['a', 'b'],
    ['ab', 'ab'],
  ]);
  // All pairs of "xyzw" occur once: the pair with the smallest ids (w < x < y < z) wins each round.
  const tie = new BpeTrainer({ vocabSize: 100 }).train(new Map([['xyzw', 1]]));
  assert.deepEqual(tie.merges, [
    ['x', 'y'],
    ['z', 'w'],
    ['xy', 'zw'],
  ]);
});

test('byte-level BPE on tiny Shakespeare: deterministic, and tokenizer.json reloads to identical encodings', { skip }, () => {
  const corpus = read('tinyshakespeare', 'input.txt').slice(0, 200_000);
  const a = trainByteLevelBpe(corpus, { vocabSize: 500 });
  const b = trainByteLevelBpe(corpus, { vocabSize: 500 });
  assert.equal(a.vocabSize, 500);
  assert.deepEqual(a.toJSON(), b.toJSON());
  assert.equal(a.tokenToId('<|endoftext|>'), 0);
  const file = path.join(tmp, 'shakespeare-bpe', 'tokenizer.json');
  a.save(file);
  const reloaded = Tokenizer.fromFile(file);
  const heldOut = read('tinyshakespeare', 'input.txt').slice(1_000_000, 1_020_000);
  const ids = a.encodeIds(heldOut);
  assert.deepEqual(reloaded.encodeIds(heldOut), ids);
  assert.deepEqual(reloaded.encode(heldOut).ids, ids);
  assert.equal(reloaded.decode(ids), heldOut);
  assert.ok(ids.length < heldOut.length / 1.6, `500 tokens should compress English well, got ${ids.length} ids for ${heldOut.length} characters`);
});

test('Chinese: char and byte-level BPE tokenizers on fortunes-zh', { skip }, () => {
  const corpus = read('zh', 'fortunes-zh.txt').slice(0, 150_000);
  const chars = trainCharTokenizer(corpus);
  const sample = corpus.slice(100_000, 101_000);
  const e = chars.encode(sample);
  assert.equal(e.ids.length, [...sample].length);
  assert.equal(chars.decode(e.ids), sample);
  const ids = chars.encode('天下').tokens;
  assert.deepEqual(ids, ['天', '下']);

  const bpe = trainByteLevelBpe(corpus, { vocabSize: 1200 });
  const out = bpe.encodeIds(sample);
  assert.equal(bpe.decode(out), sample);
  const utf8Bytes = Buffer.byteLength(sample);
  assert.ok(out.length < utf8Bytes / 2, `BPE should merge Chinese bytes: ${out.length} ids for ${utf8Bytes} bytes`);
  const file = path.join(tmp, 'zh-bpe', 'tokenizer.json');
  bpe.save(file);
  assert.deepEqual(Tokenizer.fromFile(file).encodeIds(sample), out);
  const charFile = path.join(tmp, 'zh-char', 'tokenizer.json');
  chars.save(charFile);
  assert.deepEqual(Tokenizer.fromFile(charFile).encode(sample).ids, e.ids);
});

test('WordPiece, char and word trainers', { skip }, () => {
  const corpus = read('multi30k', 'train.en').slice(0, 100_000);
  const wp = trainWordPiece(corpus, { vocabSize: 700 });
  assert.equal(wp.vocabSize, 700);
  const e = wp.encode('A man in a blue shirt.');
  assert.equal(e.tokens[0], '[CLS]');
  assert.equal(e.tokens.at(-1), '[SEP]');
  assert.equal(wp.decode(e.ids, { skipSpecialTokens: true }), 'a man in a blue shirt.');
  assert.deepEqual(wp.toJSON(), trainWordPiece(corpus, { vocabSize: 700 }).toJSON());

  const chars = trainCharTokenizer('hello world', { unkToken: '[UNK]' });
  assert.deepEqual(chars.model.vocabList(), ['[UNK]', ' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
  assert.deepEqual(chars.encode('low!').tokens, ['l', 'o', 'w', '[UNK]']);

  const words = trainWordTokenizer(corpus, { vocabSize: 50 });
  assert.equal(words.vocabSize, 50);
  assert.deepEqual(words.encode('A man zzzqx.').tokens, ['A', 'man', '[UNK]', '.']);
  assert.equal(words.decode(words.encode('A man .').ids), 'A man .');
});
