import type { Decoder } from '../types.js';
import { cleanUpTokenizationSpaces } from './cleanup.js';

/** Joins WordPiece tokens: `##` pieces glue to the previous token, others get a space; optional clean-up. */
export class WordPieceDecoder implements Decoder {
  readonly type = 'WordPiece';
  constructor(
    readonly prefix = '##',
    readonly cleanup = true,
  ) {}
  decodeChain(tokens: string[]): string[] {
    return tokens.map((t, i) => {
      let s = t;
      if (i > 0) s = t.startsWith(this.prefix) ? t.slice(this.prefix.length) : ` ${t}`;
      return this.cleanup ? cleanUpTokenizationSpaces(s) : s;
    });
  }
  toJSON(): object {
    return { type: this.type, prefix: this.prefix, cleanup: this.cleanup };
  }
}
