import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Piece } from '../piece.js';
import { pieceRange } from '../piece.js';
import type { PreTokenizer } from '../types.js';
import { BertPreTokenizer } from './bert.js';
import { ByteLevelPreTokenizer, GPT2_PATTERN } from './byte_level.js';
import { DigitsPreTokenizer } from './digits.js';
import { PunctuationPreTokenizer } from './punctuation.js';
import { PreTokenizerSequence } from './sequence.js';
import { SplitPreTokenizer } from './split.js';
import { WhitespacePreTokenizer } from './whitespace.js';
import { WhitespaceSplit } from './whitespace_split.js';

/** Each piece as [text, [start, end]] in the input. */
function run(p: PreTokenizer, text: string): [string, [number, number]][] {
  return p.preTokenize([{ text, start: 0 }]).map((q: Piece) => [q.text, pieceRange(q, 0, q.text.length)]);
}

test('Whitespace: \\w+ and [^\\w\\s]+ with offsets', () => {
  assert.deepEqual(run(new WhitespacePreTokenizer(), 'Hey man!! How are you?'), [
    ['Hey', [0, 3]],
    ['man', [4, 7]],
    ['!!', [7, 9]],
    ['How', [10, 13]],
    ['are', [14, 17]],
    ['you', [18, 21]],
    ['?', [21, 22]],
  ]);
  assert.deepEqual(run(new WhitespaceSplit(), 'Hey  man!!\tyou'), [
    ['Hey', [0, 3]],
    ['man!!', [5, 10]],
    ['you', [11, 14]],
  ]);
});

test('BertPreTokenizer: whitespace removed, each punctuation character isolated', () => {
  assert.deepEqual(run(new BertPreTokenizer(), "Hey, it's 3.5€!"), [
    ['Hey', [0, 3]],
    [',', [3, 4]],
    ['it', [5, 7]],
    ["'", [7, 8]],
    ['s', [8, 9]],
    ['3', [10, 11]],
    ['.', [11, 12]],
    ['5€', [12, 14]],
    ['!', [14, 15]],
  ]);
});

test('ByteLevel: GPT-2 pattern, bytes as characters, each byte aligned to its character', () => {
  assert.deepEqual(run(new ByteLevelPreTokenizer(), "Hello  world's\n"), [
    ['Hello', [0, 5]],
    ['Ġ', [5, 6]],
    ['Ġworld', [6, 12]],
    ["'s", [12, 14]],
    ['Ċ', [14, 15]],
  ]);
  const [[text, range]] = run(new ByteLevelPreTokenizer(), 'é');
  assert.equal(text, 'Ã©');
  assert.deepEqual(range, [0, 1]);
  assert.deepEqual(run(new ByteLevelPreTokenizer({ addPrefixSpace: true }), 'hi')[0][0], 'Ġhi');
  const words: string[] = [];
  new ByteLevelPreTokenizer().words("Hello  world's\n", words);
  assert.deepEqual(words, ['Hello', 'Ġ', 'Ġworld', "'s", 'Ċ']);
  assert.ok(GPT2_PATTERN.flags.includes('u'));
});

test('Split behaviours, Punctuation, Digits and Sequence', () => {
  const split = (behavior: 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous') =>
    run(new SplitPreTokenizer({ String: '-' }, behavior), 'the-final--countdown').map(([t]) => t);
  assert.deepEqual(split('Removed'), ['the', 'final', 'countdown']);
  assert.deepEqual(split('Isolated'), ['the', '-', 'final', '-', '-', 'countdown']);
  assert.deepEqual(split('MergedWithPrevious'), ['the-', 'final-', '-', 'countdown']);
  assert.deepEqual(split('MergedWithNext'), ['the', '-final', '-', '-countdown']);
  assert.deepEqual(split('Contiguous'), ['the', '-', 'final', '--', 'countdown']);
  assert.deepEqual(
    run(new SplitPreTokenizer({ Regex: '\\d+' }, 'Isolated', true), 'ab12cd').map(([t]) => t),
    ['ab', '12', 'cd'],
  );
  assert.deepEqual(run(new PunctuationPreTokenizer(), 'a,b').map(([t]) => t), ['a', ',', 'b']);
  assert.deepEqual(run(new DigitsPreTokenizer(true), 'a123').map(([t]) => t), ['a', '1', '2', '3']);
  const seq = new PreTokenizerSequence([new WhitespaceSplit(), new DigitsPreTokenizer(false)]);
  assert.deepEqual(run(seq, 'ab12 c3'), [
    ['ab', [0, 2]],
    ['12', [2, 4]],
    ['c', [5, 6]],
    ['3', [6, 7]],
  ]);
});
