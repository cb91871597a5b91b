import type { NormalizedString } from '../normalized_string.js';
import type { Normalizer } from '../types.js';
import { isChineseChar, isControl, isWhitespace } from '../unicode.js';

const NONSPACING_MARK = /^\p{Mn}$/u;

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
    const strip = this.stripAccents ?? this.lowercase;
    const each = (str: string, f: (ch: string, cp: number) => string) => {
      let out = '';
      for (const ch of str) out += f(ch, ch.codePointAt(0)!);
      return out;
    };
    const clean = (ch: string, cp: number) => (cp === 0 || cp === 0xfffd || isControl(ch) ? '' : isWhitespace(ch) ? ' ' : ch);
    const pad = (ch: string, cp: number) => (isChineseChar(cp) ? ` ${ch} ` : ch);
    s.mapChars((ch, cp) => {
      if (cp < 128) {
        // ASCII: the same four steps, without Unicode tables.
        if (this.cleanText && (cp === 0 || (cp < 32 && cp !== 9 && cp !== 10 && cp !== 13) || cp === 127)) return '';
        if (this.cleanText && (cp === 9 || cp === 10 || cp === 13)) return ' ';
        return this.lowercase && cp >= 65 && cp <= 90 ? String.fromCharCode(cp + 32) : ch;
      }
      let out = this.cleanText ? clean(ch, cp) : ch;
      if (this.handleChineseChars) out = each(out, pad);
      if (strip) out = each(out.normalize('NFD'), (c) => (NONSPACING_MARK.test(c) ? '' : c));
      if (this.lowercase) out = each(out, (c) => c.toLowerCase());
      return out;
    });
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
