import type { Decoder } from '../types.js';

/** For BPE with an end-of-word suffix ('</w>'): the suffix becomes a space (none after the last token). */
export class BPEDecoder implements Decoder {
  readonly type = 'BPEDecoder';
  constructor(readonly suffix = '</w>') {}
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t, i) => t.replaceAll(this.suffix, i === tokens.length - 1 ? '' : ' '));
  }
  toJSON(): object {
    return { type: this.type, suffix: this.suffix };
  }
}
