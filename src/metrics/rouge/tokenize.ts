import { fail } from '../../errors.js';
import { porterStem } from './porter.js';

/**
 * How ROUGE splits text into tokens:
 * - 'default': rouge-score's tokenizer: lower-case, every character outside [a-z0-9] becomes a space,
 *   tokens are the runs of [a-z0-9]. Text in other scripts (Chinese, accented letters, ...) is dropped.
 * - 'cjk': as 'default', but every CJK character (Han, Hiragana, Katakana with ー, Hangul) is also a token of its
 *   own, so Chinese and Japanese are scored character by character. On text without CJK characters it
 *   gives exactly the tokens of 'default'.
 * - a function: your own tokenizer, used as it is (no lower-casing or stemming added).
 */
export type RougeTokenizer = 'default' | 'cjk' | ((text: string) => string[]);

// the prolonged sound marks ー and ｰ belong to no script of their own but are part of Katakana words
const CJK = '\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}\\u30fc\\uff70';
const DEFAULT_TOKEN = /[a-z0-9]+/g;
const CJK_OR_DEFAULT_TOKEN = new RegExp(`[${CJK}]|[a-z0-9]+`, 'gu');
const IS_CJK = new RegExp(`^[${CJK}]$`, 'u');

/**
 * The tokens of `text`. With `stem`, [a-z0-9] tokens longer than 3 characters are Porter-stemmed
 * (as rouge-score does with use_stemmer=True).
 */
export function rougeTokens(text: string, tokenizer: RougeTokenizer = 'default', stem = false): string[] {
  if (typeof tokenizer === 'function') return tokenizer(text);
  if (tokenizer !== 'default' && tokenizer !== 'cjk') fail('InvalidArgument', `rouge: tokenizer must be 'default', 'cjk' or a function, got ${JSON.stringify(tokenizer)}`);
  const tokens = text.toLowerCase().match(tokenizer === 'cjk' ? CJK_OR_DEFAULT_TOKEN : DEFAULT_TOKEN) ?? [];
  if (!stem) return tokens;
  // a stem is always [a-z0-9]+ again, so rouge-score's final validity filter drops nothing here
  return tokens.map((t) => (t.length > 3 && !IS_CJK.test(t) ? porterStem(t) : t));
}
