import { compilePattern, type Pattern } from '../pattern.js';
import type { Decoder } from '../types.js';

/** Replaces a pattern in every token (Llama: '▁' → ' '). */
export class ReplaceDecoder implements Decoder {
  readonly type = 'Replace';
  private readonly re: RegExp;
  constructor(
    readonly pattern: Pattern,
    readonly content: string,
  ) {
    this.re = compilePattern(pattern, 'Replace decoder');
  }
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t) => t.replace(this.re, this.content));
  }
  toJSON(): object {
    return { type: this.type, pattern: this.pattern, content: this.content };
  }
}
