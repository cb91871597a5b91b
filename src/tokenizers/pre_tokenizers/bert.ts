import type { Piece } from '../piece.js';
import type { PreTokenizer } from '../types.js';
import { isBertPunctuation, isWhitespace } from '../unicode.js';
import { charMatches, splitEach, splitPiece } from './split_util.js';

/** BERT's pre-tokenizer: split on whitespace (dropped) and around every punctuation character. */
export class BertPreTokenizer implements PreTokenizer {
  readonly type = 'BertPreTokenizer';
  preTokenize(pieces: Piece[]): Piece[] {
    const words = splitEach(pieces, (p) => splitPiece(p, charMatches(p.text, isWhitespace, false), 'Removed'));
    return splitEach(words, (p) => splitPiece(p, charMatches(p.text, (ch, cp) => isBertPunctuation(cp, ch), true), 'Isolated'));
  }
  toJSON(): object {
    return { type: this.type };
  }
}
