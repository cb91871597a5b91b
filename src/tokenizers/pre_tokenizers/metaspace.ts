import type { Piece } from '../piece.js';
import type { PreTokenizer } from '../types.js';
import { charMatches, splitEach, splitPiece } from './split_util.js';

/** When Metaspace puts the replacement in front of a word: always, only at the start of the input, never. */
export type PrependScheme = 'always' | 'first' | 'never';

/**
 * SentencePiece's view of spaces: each ' ' becomes `replacement` ('▁'), one is put in front of the text
 * (by `prependScheme`), and with `split` the text is cut before each replacement.
 */
export class MetaspacePreTokenizer implements PreTokenizer {
  readonly type = 'Metaspace';
  constructor(
    readonly replacement = '▁',
    readonly prependScheme: PrependScheme = 'always',
    readonly split = true,
  ) {}

  preTokenize(pieces: Piece[]): Piece[] {
    const r = this.replacement;
    const rewritten = pieces.map((p) => {
      const prefix = (this.prependScheme === 'always' || (this.prependScheme === 'first' && p.first)) && !p.text.startsWith(r) && !p.text.startsWith(' ');
      const n = p.text.length;
      const us = new Int32Array(n + (prefix ? 1 : 0));
      const ue = new Int32Array(us.length);
      let text = '';
      let k = 0;
      for (let i = 0; i < n; i++) {
        const start = p.unitStart ? p.unitStart[i] : p.start + i;
        const end = p.unitEnd ? p.unitEnd[i] : p.start + i + 1;
        if (prefix && i === 0) {
          text += r;
          us[k] = start;
          ue[k++] = end;
        }
        text += p.text[i] === ' ' ? r : p.text[i];
        us[k] = start;
        ue[k++] = end;
      }
      return { text, start: us[0] ?? p.start, unitStart: us.subarray(0, k), unitEnd: ue.subarray(0, k), first: p.first };
    });
    if (!this.split) return rewritten;
    return splitEach(rewritten, (p) => splitPiece(p, charMatches(p.text, (ch) => ch === r, true), 'MergedWithNext'));
  }

  toJSON(): object {
    return { type: this.type, replacement: this.replacement, prepend_scheme: this.prependScheme, split: this.split };
  }
}
