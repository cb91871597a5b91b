import { fail } from '../errors.js';

/** A literal string or a regex pattern, as tokenizer.json writes them. */
export type Pattern = { String: string } | { Regex: string };

/** A global regex for a tokenizer.json pattern (literal strings escaped). */
export function compilePattern(pattern: Pattern, where: string): RegExp {
  const source = 'String' in pattern ? pattern.String.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : pattern.Regex;
  try {
    return new RegExp(source, 'gu');
  } catch (e) {
    fail('Unsupported', `${where}: pattern ${JSON.stringify(source)} is not a JavaScript regular expression (${(e as Error).message})`);
  }
}
