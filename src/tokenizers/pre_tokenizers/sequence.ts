import type { Piece } from '../piece.js';
import type { PreTokenizer } from '../types.js';

/** Applies pre-tokenizers one after another, each to the pieces of the last. */
export class PreTokenizerSequence implements PreTokenizer {
  readonly type = 'Sequence';
  constructor(readonly preTokenizers: PreTokenizer[]) {}
  preTokenize(pieces: Piece[]): Piece[] {
    for (const p of this.preTokenizers) pieces = p.preTokenize(pieces);
    return pieces;
  }
  toJSON(): object {
    return { type: this.type, pretokenizers: this.preTokenizers.map((p) => p.toJSON()) };
  }
}
