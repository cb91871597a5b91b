import type { NormalizedString } from '../normalized_string.js';
import { compilePattern, type Pattern } from '../pattern.js';
import type { Normalizer } from '../types.js';

/** Replaces every match of a pattern by `content` (Llama: ' ' → '▁'). */
export class Replace implements Normalizer {
  readonly type = 'Replace';
  private readonly re: RegExp;
  constructor(
    readonly pattern: Pattern,
    readonly content: string,
  ) {
    this.re = compilePattern(pattern, 'Replace normalizer');
  }
  normalize(s: NormalizedString): void {
    s.replace(this.re, this.content);
  }
  toJSON(): object {
    return { type: this.type, pattern: this.pattern, content: this.content };
  }
}
