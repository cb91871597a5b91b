import type { Decoder } from '../types.js';

/** Removes up to `start` leading and `stop` trailing `content` characters from every token. */
export class StripDecoder implements Decoder {
  readonly type = 'Strip';
  constructor(
    readonly content = ' ',
    readonly start = 0,
    readonly stop = 0,
  ) {}
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t) => {
      const chars = [...t];
      let a = 0;
      while (a < this.start && a < chars.length && chars[a] === this.content) a++;
      let b = chars.length;
      while (chars.length - b < this.stop && b > a && chars[b - 1] === this.content) b--;
      return chars.slice(a, b).join('');
    });
  }
  toJSON(): object {
    return { type: this.type, content: this.content, start: this.start, stop: this.stop };
  }
}
