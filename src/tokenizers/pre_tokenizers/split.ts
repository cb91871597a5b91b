import { compilePattern, type Pattern } from '../pattern.js';
import type { Piece } from '../piece.js';
import type { PreTokenizer } from '../types.js';
import { regexMatches, type SplitBehavior, splitEach, splitPiece } from './split_util.js';

export type SplitPattern = Pattern;

/** Splits on a pattern, treating the matches by `behavior`; `invert` splits on what does not match. */
export class SplitPreTokenizer implements PreTokenizer {
  readonly type = 'Split';
  private readonly re: RegExp;
  constructor(
    readonly pattern: SplitPattern,
    readonly behavior: SplitBehavior,
    readonly invert = false,
  ) {
    this.re = compilePattern(pattern, 'Split pre-tokenizer');
  }
  preTokenize(pieces: Piece[]): Piece[] {
    return splitEach(pieces, (p) => splitPiece(p, regexMatches(this.re, p.text), this.behavior, this.invert));
  }
  toJSON(): object {
    return { type: this.type, pattern: this.pattern, behavior: this.behavior, invert: this.invert };
  }
}
