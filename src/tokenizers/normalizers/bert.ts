import type { NormalizedString } from '../normalized_string.js';
import type { Normalizer } from '../types.js';
import { isChineseChar, isControl, isWhitespace } from '../unicode.js';
import { stripNonspacingMarks } from './strip_accents.js';

export interface BertNormalizerOptions {
  /** Remove control characters and turn every whitespace into a space. Default true. */
  cleanText?: boolean;
  /** Put spaces around CJK ideographs so each becomes a word. Default true. */
  handleChineseChars?: boolean;
  /** Decompose (NFD) and drop non-spacing marks; null = do it when lower-casing. Default null. */
  stripAccents?: boolean | null;
  /** Default true. */
  lowercase?: boolean;
}

/** BERT's normalizer: clean text, pad CJK characters, strip accents, lower-case (in that order). */
export class BertNormalizer implements Normalizer {
  readonly type = 'BertNormalizer';
  readonly cleanText: boolean;
  readonly handleChineseChars: boolean;
  readonly stripAccents: boolean | null;
  readonly lowercase: boolean;

  constructor(opts: BertNormalizerOptions = {}) {
    this.cleanText = opts.cleanText ?? true;
    this.handleChineseChars = opts.handleChineseChars ?? true;
    this.stripAccents = opts.stripAccents ?? null;
    this.lowercase = opts.lowercase ?? true;
  }

  normalize(s: NormalizedString): void {
    if (this.cleanText) {
      s.mapChars((ch, cp) => {
        if (cp === 0 || cp === 0xfffd || isControl(ch)) return '';
        return isWhitespace(ch) ? ' ' : ch;
      });
    }
    if (this.handleChineseChars) s.mapChars((ch, cp) => (isChineseChar(cp) ? ` ${ch} ` : ch));
    if (this.stripAccents ?? this.lowercase) stripNonspacingMarks(s);
    if (this.lowercase) s.mapChars((ch) => ch.toLowerCase());
  }

  toJSON(): object {
    return {
      type: this.type,
      clean_text: this.cleanText,
      handle_chinese_chars: this.handleChineseChars,
      strip_accents: this.stripAccents,
      lowercase: this.lowercase,
    };
  }
}
