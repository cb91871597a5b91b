import { fail } from '../../errors.js';
import { pySplit, pyStrip } from './pystring.js';

/**
 * sacreBLEU's tokenizers (sacrebleu/tokenizers/tokenizer_{13a,intl,zh,char,none}.py), reimplemented: each
 * maps a detokenized line to a string of space-separated tokens.
 */
export type BleuTokenizerName = '13a' | 'intl' | 'zh' | 'char' | 'none';

export const BLEU_TOKENIZERS: readonly BleuTokenizerName[] = ['13a', 'intl', 'zh', 'char', 'none'];

/** mteval-v13a's language-dependent rules (sacreBLEU's TokenizerRegexp), shared by `13a` and `zh`. */
const MTEVAL_RULES: [RegExp, string][] = [
  // punctuation and symbols: { | } ~ [ \ ] ^ _ ` space ! " # $ % & ( ) * + : ; < = > ? @ /
  [/([{-~[-` -&(-+:-@/])/gu, ' $1 '],
  // period and comma unless preceded by a digit
  [/([^0-9])([.,])/gu, '$1 $2 '],
  // period and comma unless followed by a digit
  [/([.,])([^0-9])/gu, ' $1 $2'],
  // dash when preceded by a digit
  [/([0-9])(-)/gu, '$1 $2 '],
];

function mtevalRegexp(line: string): string {
  for (const [re, repl] of MTEVAL_RULES) line = line.replace(re, repl);
  return pySplit(line).join(' ');
}

/** mteval-v13a.pl's tokenization (WMT's standard): unescapes a few HTML entities, splits off punctuation. */
export function tokenize13a(line: string): string {
  line = line
    .replaceAll('<skipped>', '')
    .replaceAll('-\n', '')
    .replaceAll('\n', ' ')
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');
  return mtevalRegexp(` ${line} `);
}

const INTL_RULES: [RegExp, string][] = [
  // punctuation preceded by a non-digit
  [/(\P{N})(\p{P})/gu, '$1 $2 '],
  // punctuation followed by a non-digit
  [/(\p{P})(\P{N})/gu, ' $1 $2'],
  // every symbol
  [/(\p{S})/gu, ' $1 '],
];

/** mteval-v14.pl's international tokenization: splits off Unicode punctuation (not between digits) and symbols. */
export function tokenizeIntl(line: string): string {
  for (const [re, repl] of INTL_RULES) line = line.replace(re, repl);
  return pySplit(line).join(' ');
}

/**
 * The code point ranges sacreBLEU's `zh` tokenizer treats as Chinese (tokenizer_zh.py's _UCODE_RANGES).
 * Two of its entries are written as '\u20000'..'\u2a6d6' and '\u2f800'..'\u2fa1d', which Python reads as
 * two-character strings ('\u2000' + '0', ...); compared with one character they select U+2001–U+2A6D and
 * U+2F81–U+2FA1 (general punctuation, arrows, math symbols, ...), not the Extension B ideographs meant.
 * sacreBLEU's scores follow the strings as written, and so do these ranges.
 */
const ZH_RANGES: [number, number][] = [
  [0x3400, 0x4db5], [0x4e00, 0x9fa5], [0x9fa6, 0x9fbb], [0xf900, 0xfa2d], [0xfa30, 0xfa6a], [0xfa70, 0xfad9],
  [0x2001, 0x2a6d], [0x2f81, 0x2fa1],
  [0xff00, 0xffef], [0x2e80, 0x2eff], [0x3000, 0x303f], [0x31c0, 0x31ef], [0x2f00, 0x2fdf], [0x2ff0, 0x2fff],
  [0x3100, 0x312f], [0x31a0, 0x31bf], [0xfe10, 0xfe1f], [0xfe30, 0xfe4f], [0x2600, 0x26ff], [0x2700, 0x27bf],
  [0x3200, 0x32ff], [0x3300, 0x33ff],
];

/** True for a character sacreBLEU's `zh` tokenizer splits off on its own. */
export function isZhChar(ch: string): boolean {
  const cp = ch.codePointAt(0)!;
  return ZH_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi);
}

/** sacreBLEU's `zh`: every Chinese character is a token; the rest goes through mteval-v13a's rules. */
export function tokenizeZh(line: string): string {
  let spaced = '';
  for (const ch of pyStrip(line)) spaced += isZhChar(ch) ? ` ${ch} ` : ch;
  return mtevalRegexp(spaced);
}

/** sacreBLEU's `char`: every character (code point) is a token. */
export const tokenizeChar = (line: string): string => Array.from(line).join(' ');

/** sacreBLEU's `none`: the line as it is (already tokenized text). */
export const tokenizeNone = (line: string): string => line;

const BY_NAME: Record<BleuTokenizerName, (line: string) => string> = {
  '13a': tokenize13a,
  intl: tokenizeIntl,
  zh: tokenizeZh,
  char: tokenizeChar,
  none: tokenizeNone,
};

/** The tokenizer called `name`, or an error listing the known ones. */
export function bleuTokenizer(name: string): (line: string) => string {
  if (!(name in BY_NAME)) fail('InvalidArgument', `bleu: tokenize must be one of ${BLEU_TOKENIZERS.join(', ')}, got "${name}"`);
  return BY_NAME[name as BleuTokenizerName];
}
