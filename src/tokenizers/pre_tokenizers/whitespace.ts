import type { Piece } from '../piece.js';
import type { PreTokenizer } from '../types.js';
import { regexMatches, splitEach, splitPiece } from './split_util.js';

/** Word characters as Rust's regex `\w` defines them. */
const WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';

/** Runs of word characters and runs of other non-space characters (`\w+|[^\w\s]+`); spaces dropped. */
export class WhitespacePreTokenizer implements PreTokenizer {
  readonly type = 'Whitespace';
  private readonly re = new RegExp(`[${WORD}]+|[^${WORD}\\s]+`, 'gu');
  preTokenize(pieces: Piece[]): Piece[] {
    return splitEach(pieces, (p) => splitPiece(p, regexMatches(this.re, p.text), 'Removed', true));
  }
  toJSON(): object {
    return { type: this.type };
  }
}
