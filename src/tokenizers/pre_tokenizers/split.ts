import { fail } from '../../errors.js';
import type { Piece } from '../piece.js';
import type { PreTokenizer } from '../types.js';
import { regexMatches, type SplitBehavior, splitEach, splitPiece } from './split_util.js';

/** A literal string or a regex pattern, as tokenizer.json writes them. */
export type SplitPattern = { String: string } | { Regex: string };

/** Splits on a pattern, treating the matches by `behavior`; `invert` splits on what does not match. */
export class SplitPreTokenizer implements PreTokenizer {
  readonly type = 'Split';
  private readonly re: RegExp;
  constructor(
    readonly pattern: SplitPattern,
    readonly behavior: SplitBehavior,
    readonly invert = false,
  ) {
    const source = 'String' in pattern ? pattern.String.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : pattern.Regex;
    try {
      this.re = new RegExp(source, 'gu');
    } catch (e) {
      fail('Unsupported', `Split pre-tokenizer: pattern ${JSON.stringify(source)} is not a JavaScript regular expression (${(e as Error).message})`);
    }
  }
  preTokenize(pieces: Piece[]): Piece[] {
    return splitEach(pieces, (p) => splitPiece(p, regexMatches(this.re, p.text), this.behavior, this.invert));
  }
  toJSON(): object {
    return { type: this.type, pattern: this.pattern, behavior: this.behavior, invert: this.invert };
  }
}
