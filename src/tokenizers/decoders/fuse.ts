import type { Decoder } from '../types.js';

/** Concatenates tokens without separators (character-level tokenizers). */
export class FuseDecoder implements Decoder {
  readonly type = 'Fuse';
  decodeChain(tokens: string[]): string[] {
    return [tokens.join('')];
  }
  toJSON(): object {
    return { type: this.type };
  }
}
