import type { Piece } from '../piece.js';
import type { PreTokenizer } from '../types.js';
import { isBertPunctuation } from '../unicode.js';
import { charMatches, type SplitBehavior, splitEach, splitPiece } from './split_util.js';

/** Splits around each punctuation character, treated by `behavior` (default Isolated). */
export class PunctuationPreTokenizer implements PreTokenizer {
  readonly type = 'Punctuation';
  constructor(readonly behavior: SplitBehavior = 'Isolated') {}
  preTokenize(pieces: Piece[]): Piece[] {
    return splitEach(pieces, (p) => splitPiece(p, charMatches(p.text, (ch, cp) => isBertPunctuation(cp, ch), true), this.behavior));
  }
  toJSON(): object {
    return { type: this.type, behavior: this.behavior };
  }
}
