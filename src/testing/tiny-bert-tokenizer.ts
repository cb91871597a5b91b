import assert from 'node:assert/strict';
import { WordPiece } from '../tokenizers/models/wordpiece.js';
import { bertTokenizer } from '../tokenizers/presets.js';
import type { Tokenizer } from '../tokenizers/tokenizer.js';

const WORDS = ('the a cat dog sat ran on in to big small house tree park bird fish red blue green old new man woman child '
  + 'book read wrote saw found home city river hill day night sun moon star food ate drank water milk happy sad fast slow '
  + 'good bad and walked jumped under over with').split(' ');

/** A WordPiece tokenizer over the bert-tiny fixture's 60 ids: 5 special tokens, then 55 words. */
export function tinyBertTokenizer(): Tokenizer {
  const vocab = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', ...WORDS];
  assert.equal(vocab.length, 60);
  return bertTokenizer(new WordPiece(new Map(vocab.map((t, i) => [t, i]))));
}
