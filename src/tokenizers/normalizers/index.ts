import { fail } from '../../errors.js';
import type { JsonReader } from '../json.js';
import { patternOf } from '../pattern_json.js';
import type { Normalizer } from '../types.js';
import { BertNormalizer } from './bert.js';
import { Lowercase } from './lowercase.js';
import { Prepend } from './prepend.js';
import { Replace } from './replace.js';
import { NormalizerSequence } from './sequence.js';
import { Strip } from './strip.js';
import { StripAccents } from './strip_accents.js';
import { UnicodeNormalizer } from './unicode_form.js';

export { BertNormalizer, Lowercase, NormalizerSequence, Prepend, Replace, Strip, StripAccents, UnicodeNormalizer };

/** A normalizer from its tokenizer.json object, chosen by `type`. */
export function normalizerFromJSON(j: JsonReader): Normalizer {
  const type = j.type();
  switch (type) {
    case 'BertNormalizer':
      return new BertNormalizer({
        cleanText: j.bool('clean_text', true),
        handleChineseChars: j.bool('handle_chinese_chars', true),
        stripAccents: j.optBool('strip_accents'),
        lowercase: j.bool('lowercase', true),
      });
    case 'Lowercase':
      return new Lowercase();
    case 'StripAccents':
      return new StripAccents();
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD':
      return new UnicodeNormalizer(type);
    case 'Strip':
      return new Strip(j.bool('strip_left', true), j.bool('strip_right', true));
    case 'Prepend':
      return new Prepend(j.string('prepend'));
    case 'Replace':
      return new Replace(patternOf(j), j.string('content'));
    case 'Sequence':
      return new NormalizerSequence(j.children('normalizers').map(normalizerFromJSON));
    default:
      fail('Unsupported', `${j.file}: ${j.path}.type: normalizer "${type}" is not supported (expected BertNormalizer, Lowercase, StripAccents, NFC, NFD, NFKC, NFKD, Strip, Prepend, Replace or Sequence)`);
  }
}
