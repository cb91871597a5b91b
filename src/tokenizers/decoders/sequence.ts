import type { Decoder } from '../types.js';

/** Applies decoders in turn, each to the pieces the last produced. */
export class DecoderSequence implements Decoder {
  readonly type = 'Sequence';
  constructor(readonly decoders: Decoder[]) {}
  decodeChain(tokens: string[]): string[] {
    for (const d of this.decoders) tokens = d.decodeChain(tokens);
    return tokens;
  }
  toJSON(): object {
    return { type: this.type, decoders: this.decoders.map((d) => d.toJSON()) };
  }
}
