import type { Piece } from '../piece.js';
import type { PreTokenizer } from '../types.js';
import { charMatches, splitEach, splitPiece } from './split_util.js';

const DIGIT = /^\p{Nd}$/u;

/** Isolates runs of digits, or each digit alone when `individualDigits`. */
export class DigitsPreTokenizer implements PreTokenizer {
  readonly type = 'Digits';
  constructor(readonly individualDigits = false) {}
  preTokenize(pieces: Piece[]): Piece[] {
    return splitEach(pieces, (p) => splitPiece(p, charMatches(p.text, (ch) => DIGIT.test(ch), this.individualDigits), 'Isolated'));
  }
  toJSON(): object {
    return { type: this.type, individual_digits: this.individualDigits };
  }
}
