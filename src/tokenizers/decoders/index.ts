import { fail } from '../../errors.js';
import type { JsonReader } from '../json.js';
import { patternOf, prependScheme } from '../pattern_json.js';
import type { Decoder } from '../types.js';
import { BPEDecoder } from './bpe.js';
import { ByteFallbackDecoder } from './byte_fallback.js';
import { ByteLevelDecoder } from './byte_level.js';
import { cleanUpTokenizationSpaces } from './cleanup.js';
import { FuseDecoder } from './fuse.js';
import { MetaspaceDecoder } from './metaspace.js';
import { ReplaceDecoder } from './replace.js';
import { DecoderSequence } from './sequence.js';
import { StripDecoder } from './strip.js';
import { WordPieceDecoder } from './wordpiece.js';

export { BPEDecoder, ByteFallbackDecoder, ByteLevelDecoder, cleanUpTokenizationSpaces, DecoderSequence, FuseDecoder, MetaspaceDecoder, ReplaceDecoder, StripDecoder, WordPieceDecoder };

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
    case 'ByteFallback':
      return new ByteFallbackDecoder();
    case 'Metaspace':
      return new MetaspaceDecoder(j.string('replacement', '▁'), prependScheme(j), j.bool('split', true));
    case 'Replace':
      return new ReplaceDecoder(patternOf(j), j.string('content'));
    case 'Strip':
      return new StripDecoder(j.string('content', ' '), j.int('start', 0), j.int('stop', 0));
    case 'Sequence':
      return new DecoderSequence(j.children('decoders').map(decoderFromJSON));
    default:
      fail('Unsupported', `${j.file}: ${j.path}.type: decoder "${type}" is not supported (expected ByteLevel, WordPiece, BPEDecoder, Fuse, ByteFallback, Metaspace, Replace, Strip or Sequence)`);
  }
}
