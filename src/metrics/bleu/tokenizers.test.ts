import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LmkitError } from '../../errors.js';
import { pyFixed, pySplit } from './pystring.js';
import { bleuTokenizer, tokenize13a, tokenizeChar, tokenizeIntl, tokenizeZh } from './tokenizers.js';

test('13a: punctuation split off, except . and , inside numbers and - after a digit; entities unescaped', () => {
  assert.equal(tokenize13a("Hello, world! It's 3.5 and 1,000-2. &quot;x&quot; <skipped>"), 'Hello , world ! It\'s 3.5 and 1,000 - 2 . " x "');
  // the line is padded with spaces first, so a leading period is split off
  assert.equal(tokenize13a('.5'), '. 5');
});

test('intl: Unicode punctuation not between digits and every symbol split off; a final number keeps its period', () => {
  assert.equal(tokenizeIntl('Hello, world! 3.5 €100.'), 'Hello , world ! 3.5 € 100.');
});

test('zh: each Chinese character (and CJK punctuation) a token, the rest by 13a rules without padding', () => {
  assert.equal(tokenizeZh('我爱北京天安门。我用Python 3.8写代码，“你好”'), '我 爱 北 京 天 安 门 。 我 用 Python 3.8 写 代 码 ， “ 你 好 ”');
  // no padding: unlike 13a, a leading period stays attached
  assert.equal(tokenizeZh('.5'), '.5');
});

test('char splits code points; unknown tokenizer names are refused', () => {
  assert.deepEqual(pySplit(tokenizeChar('ab c😀')), ['a', 'b', 'c', '😀']);
  assert.throws(() => bleuTokenizer('spm'), (e: unknown) => e instanceof LmkitError && /tokenize must be one of 13a, intl, zh, char, none, got "spm"/.test(e.message));
});

test("Python's whitespace and its round-half-even formatting of exact ties", () => {
  assert.deepEqual(pySplit('\u001ca\u0085b\ufeffc '), ['a', 'b\ufeffc']);
  assert.equal(pyFixed(12.25, 1), '12.2');
  assert.equal(pyFixed(12.35, 1), (12.35).toFixed(1)); // 12.35 is not exactly representable: no tie
  assert.equal(pyFixed(0.125, 2), '0.12');
  assert.equal(pyFixed(0.375, 2), '0.38');
  assert.equal(pyFixed(2.5, 0), '2');
  assert.equal(pyFixed(66.66666, 1), '66.7');
});
