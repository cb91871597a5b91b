import type { Piece } from '../piece.js';
import type { PreTokenizer } from '../types.js';
import { isWhitespace } from '../unicode.js';
import { charMatches, splitEach, splitPiece } from './split_util.js';

/** Splits on whitespace only (dropped). */
export class WhitespaceSplit implements PreTokenizer {
  readonly type = 'WhitespaceSplit';
  preTokenize(pieces: Piece[]): Piece[] {
    return splitEach(pieces, (p) => splitPiece(p, charMatches(p.text, isWhitespace, false), 'Removed'));
  }
  toJSON(): object {
    return { type: this.type };
  }
}
