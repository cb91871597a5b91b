import { BYTE_TO_CHAR } from '../byte_level_alphabet.js';
import type { Piece } from '../piece.js';
import type { PreTokenizer } from '../types.js';
import { gpt2Words } from './gpt2_scanner.js';

/** GPT-2's word pattern: contractions, letters, digits, other symbols, each with one leading space. */
export const GPT2_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

export interface ByteLevelOptions {
  /** Add a space in front of the text when it has none, so the first word is treated like the others. Default false. */
  addPrefixSpace?: boolean;
  /** (Post-processing) exclude the leading/trailing spaces of tokens from their offsets. Default true. */
  trimOffsets?: boolean;
  /** Split with GPT-2's pattern before mapping bytes. Default true. */
  useRegex?: boolean;
}

const PRINTABLE = new Uint8Array(128);
for (let c = 33; c < 127; c++) PRINTABLE[c] = 1;

/**
 * GPT-2's byte-level pre-tokenizer: splits with GPT2_PATTERN (by an equivalent hand-written scanner), then rewrites each word's UTF-8 bytes
 * as the printable characters of BYTE_TO_CHAR, so BPE never meets an unknown symbol.
 */
export class ByteLevelPreTokenizer implements PreTokenizer {
  readonly type = 'ByteLevel';
  readonly addPrefixSpace: boolean;
  readonly trimOffsets: boolean;
  readonly useRegex: boolean;

  constructor(opts: ByteLevelOptions = {}) {
    this.addPrefixSpace = opts.addPrefixSpace ?? false;
    this.trimOffsets = opts.trimOffsets ?? true;
    this.useRegex = opts.useRegex ?? true;
  }

  preTokenize(pieces: Piece[]): Piece[] {
    const out: Piece[] = [];
    for (const p of pieces) this.splitInto(p, out);
    return out;
  }

  /** The byte-level words of a text, without offsets (the fast path of `Tokenizer.encodeIds`). */
  words(text: string, out: string[]): void {
    if (this.addPrefixSpace && !text.startsWith(' ')) text = ` ${text}`;
    if (!this.useRegex) {
      out.push(toByteLevel(text));
      return;
    }
    gpt2Words(text, (s, e) => out.push(toByteLevel(text.slice(s, e))));
  }

  /** Calls `word(start, end)` for each word of `text` before byte mapping (no prefix space added). */
  splitRanges(text: string, word: (start: number, end: number) => void): void {
    if (this.useRegex) gpt2Words(text, word);
    else if (text.length > 0) word(0, text.length);
  }

  private splitInto(p: Piece, out: Piece[]): void {
    let src = p;
    if (this.addPrefixSpace && !p.text.startsWith(' ')) src = prefixSpace(p);
    if (!this.useRegex) {
      out.push(mapPiece(src, 0, src.text.length));
      return;
    }
    gpt2Words(src.text, (s, e) => out.push(mapPiece(src, s, e)));
  }

  toJSON(): object {
    return { type: this.type, add_prefix_space: this.addPrefixSpace, trim_offsets: this.trimOffsets, use_regex: this.useRegex };
  }
}

/** A text's UTF-8 bytes as byte-level characters. */
export function toByteLevel(s: string): string {
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (PRINTABLE[c] === 0 && !(i === 0 && c === 32))) {
      plain = false;
      break;
    }
  }
  if (plain) return s.charCodeAt(0) === 32 ? `Ġ${s.slice(1)}` : s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) {
      out += BYTE_TO_CHAR[c];
      continue;
    }
    const [cp, w] = codePointAt(s, i);
    for (const b of utf8(cp)) out += BYTE_TO_CHAR[b];
    i += w - 1;
  }
  return out;
}

/** The code point at i and its width in units (a lone surrogate reads as U+FFFD, as TextEncoder does). */
function codePointAt(s: string, i: number): [number, number] {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return [(c - 0xd800) * 0x400 + (d - 0xdc00) + 0x10000, 2];
  }
  if (c >= 0xd800 && c <= 0xdfff) return [0xfffd, 1];
  return [c, 1];
}

function utf8(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 63)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
}

function prefixSpace(p: Piece): Piece {
  const n = p.text.length;
  const us = new Int32Array(n + 1);
  const ue = new Int32Array(n + 1);
  for (let k = 0; k < n; k++) {
    us[k + 1] = p.unitStart ? p.unitStart[k] : p.start + k;
    ue[k + 1] = p.unitEnd ? p.unitEnd[k] : p.start + k + 1;
  }
  us[0] = n > 0 ? us[1] : p.start;
  ue[0] = n > 0 ? ue[1] : p.start;
  return { text: ` ${p.text}`, start: us[0], unitStart: us, unitEnd: ue };
}

/** Units [a, b) of a piece rewritten to byte-level characters, each byte aligned to its character. */
function mapPiece(p: Piece, a: number, b: number): Piece {
  const s = p.text.slice(a, b);
  let ascii = !p.unitStart;
  for (let i = 0; ascii && i < s.length; i++) if (s.charCodeAt(i) >= 128) ascii = false;
  if (ascii) return { text: toByteLevel(s), start: p.start + a };
  let text = '';
  const us: number[] = [];
  const ue: number[] = [];
  for (let i = a; i < b; ) {
    const [cp, w] = codePointAt(p.text, i);
    const start = p.unitStart ? p.unitStart[i] : p.start + i;
    const end = p.unitEnd ? p.unitEnd[i + w - 1] : p.start + i + w;
    for (const byte of utf8(cp)) {
      text += BYTE_TO_CHAR[byte];
      us.push(start);
      ue.push(end);
    }
    i += w;
  }
  return { text, start: us[0] ?? p.start, unitStart: Int32Array.from(us), unitEnd: Int32Array.from(ue) };
}
