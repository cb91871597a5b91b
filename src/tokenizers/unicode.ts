/** Character classes shared by normalizers and pre-tokenizers (Hugging Face's definitions). */

const WHITESPACE = /^\p{White_Space}$/u;
const OTHER = /^\p{C}$/u;
const PUNCT = /^\p{P}$/u;

/** Tab, newline, carriage return or a Unicode White_Space character. */
export function isWhitespace(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return WHITESPACE.test(ch);
}

/** Any Unicode "Other" (C*) character except tab, newline and carriage return. */
export function isControl(ch: string): boolean {
  const c = ch.charCodeAt(0);
  if (c < 128) return (c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127;
  return OTHER.test(ch);
}

/** ASCII punctuation or a Unicode punctuation (P*) character (BERT's definition). */
export function isBertPunctuation(cp: number, ch: string): boolean {
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126)) return true;
  return cp > 127 && PUNCT.test(ch);
}

/** The CJK Unified Ideograph blocks BERT pads with spaces. */
export function isChineseChar(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b920 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}
