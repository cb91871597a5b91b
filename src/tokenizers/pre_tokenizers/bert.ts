import { type Piece, slicePiece } from '../piece.js';
import type { PreTokenizer } from '../types.js';
import { isBertPunctuation, isWhitespace } from '../unicode.js';

/** BERT's pre-tokenizer: split on whitespace (dropped) and around every punctuation character. */
export class BertPreTokenizer implements PreTokenizer {
  readonly type = 'BertPreTokenizer';
  preTokenize(pieces: Piece[]): Piece[] {
    const out: Piece[] = [];
    for (const p of pieces) {
      const text = p.text;
      let start = -1;
      for (let i = 0; i < text.length; ) {
        const cp = text.codePointAt(i)!;
        const w = cp > 0xffff ? 2 : 1;
        const ch = w === 1 ? text[i] : text.slice(i, i + 2);
        const space = isWhitespace(ch);
        const punct = !space && isBertPunctuation(cp, ch);
        if (space || punct) {
          if (start >= 0) out.push(slicePiece(p, start, i));
          start = -1;
          if (punct) out.push(slicePiece(p, i, i + w));
        } else if (start < 0) start = i;
        i += w;
      }
      if (start >= 0) out.push(slicePiece(p, start, text.length));
    }
    return out;
  }
  toJSON(): object {
    return { type: this.type };
  }
}
