import { byteLevelDecode } from '../byte_level_alphabet.js';
import type { Decoder } from '../types.js';

/** Joins byte-level tokens and decodes their bytes as UTF-8 (invalid sequences become U+FFFD). */
export class ByteLevelDecoder implements Decoder {
  readonly type = 'ByteLevel';
  decodeChain(tokens: string[]): string[] {
    return [byteLevelDecode(tokens.join(''))];
  }
  toJSON(): object {
    return { type: this.type, add_prefix_space: true, trim_offsets: true, use_regex: true };
  }
}
