import { fail } from '../../errors.js';
import type { JsonReader } from '../json.js';
import type { Decoder } from '../types.js';
import { BPEDecoder } from './bpe.js';
import { ByteLevelDecoder } from './byte_level.js';
import { cleanUpTokenizationSpaces } from './cleanup.js';
import { FuseDecoder } from './fuse.js';
import { DecoderSequence } from './sequence.js';
import { WordPieceDecoder } from './wordpiece.js';

export { BPEDecoder, ByteLevelDecoder, cleanUpTokenizationSpaces, DecoderSequence, FuseDecoder, WordPieceDecoder };

/** A decoder from its tokenizer.json object, chosen by `type`. */
export function decoderFromJSON(j: JsonReader): Decoder {
  const type = j.type();
  switch (type) {
    case 'ByteLevel':
      return new ByteLevelDecoder();
    case 'WordPiece':
      return new WordPieceDecoder(j.string('prefix', '##'), j.bool('cleanup', true));
    case 'BPEDecoder':
      return new BPEDecoder(j.string('suffix', '</w>'));
    case 'Fuse':
      return new FuseDecoder();
    case 'Sequence':
      return new DecoderSequence(j.children('decoders').map(decoderFromJSON));
    default:
      fail('Unsupported', `${j.file}: ${j.path}.type: decoder "${type}" is not supported (expected ByteLevel, WordPiece, BPEDecoder, Fuse or Sequence)`);
  }
}
