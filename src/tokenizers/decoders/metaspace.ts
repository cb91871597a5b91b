import type { PrependScheme } from '../pre_tokenizers/metaspace.js';
import type { Decoder } from '../types.js';

/** Undoes Metaspace: the replacement becomes a space, except in the first token (its added prefix). */
export class MetaspaceDecoder implements Decoder {
  readonly type = 'Metaspace';
  constructor(
    readonly replacement = '▁',
    readonly prependScheme: PrependScheme = 'always',
    readonly split = true,
  ) {}
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t, i) => t.replaceAll(this.replacement, i === 0 && this.prependScheme !== 'never' ? '' : ' '));
  }
  toJSON(): object {
    return { type: this.type, replacement: this.replacement, prepend_scheme: this.prependScheme, split: this.split };
  }
}
