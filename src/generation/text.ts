import type { TokenDecoder } from './types.js';

/**
 * Turns a growing list of tokens into text pieces without ever splitting a character: byte-level BPE
 * can spread one UTF-8 character (an emoji, a Chinese character) over several tokens, and a prefix of
 * them decodes to U+FFFD. A piece is released only once the decoded text no longer ends in U+FFFD.
 * Only a short window of tokens is re-decoded each step (as text-generation-inference does).
 */
export class IncrementalDecoder {
  private readonly tokens: number[] = [];
  private prefixOffset = 0;
  private readOffset = 0;

  constructor(private readonly tokenizer: TokenDecoder) {}

  /** Adds one token; returns the text it completes ('' while a character is still incomplete). */
  push(token: number): string {
    this.tokens.push(token);
    const before = this.tokenizer.decode(this.tokens.slice(this.prefixOffset, this.readOffset));
    const now = this.tokenizer.decode(this.tokens.slice(this.prefixOffset));
    if (now.length > before.length && !now.endsWith('\uFFFD')) {
      this.prefixOffset = this.readOffset;
      this.readOffset = this.tokens.length;
      return now.slice(before.length);
    }
    return '';
  }

  /** Whatever is still held back (an incomplete character at the very end decodes as U+FFFD). */
  flush(): string {
    const before = this.tokenizer.decode(this.tokens.slice(this.prefixOffset, this.readOffset));
    const now = this.tokenizer.decode(this.tokens.slice(this.prefixOffset));
    this.prefixOffset = this.readOffset = this.tokens.length;
    return now.length > before.length ? now.slice(before.length) : '';
  }
}

/**
 * Watches generated text for stop strings. `text` is everything generated so far; `stopAt` is where the
 * first stop string begins (the text is cut there) or -1; `safeLength` is how much text can be released
 * without risking that a stop string, still incomplete, starts inside it.
 */
export class StopStringMatcher {
  private readonly longest: number;
  text = '';
  stopAt = -1;

  constructor(readonly stops: readonly string[]) {
    this.longest = Math.max(0, ...stops.map((s) => s.length));
  }

  /** Appends a piece of text; returns true when a stop string is now complete. */
  append(piece: string): boolean {
    if (this.stopAt >= 0 || piece === '') return this.stopAt >= 0;
    const from = Math.max(0, this.text.length - this.longest + 1);
    this.text += piece;
    let first = -1;
    for (const s of this.stops) {
      const at = this.text.indexOf(s, from);
      if (at >= 0 && (first < 0 || at < first)) first = at;
    }
    this.stopAt = first;
    return first >= 0;
  }

  /** Text that can be released now: up to the stop string, or short of any partial stop string at the end. */
  get safeLength(): number {
    if (this.stopAt >= 0) return this.stopAt;
    const t = this.text;
    for (let k = Math.min(this.longest - 1, t.length); k > 0; k--) {
      const tail = t.slice(t.length - k);
      if (this.stops.some((s) => s.startsWith(tail))) return t.length - k;
    }
    return t.length;
  }

  /** The final text: cut before the stop string when one occurred. */
  get result(): string {
    return this.stopAt >= 0 ? this.text.slice(0, this.stopAt) : this.text;
  }
}
