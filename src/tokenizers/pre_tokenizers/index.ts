import { fail } from '../../errors.js';
import type { JsonReader } from '../json.js';
import { patternOf, prependScheme } from '../pattern_json.js';
import type { PreTokenizer } from '../types.js';
import { BertPreTokenizer } from './bert.js';
import { ByteLevelPreTokenizer } from './byte_level.js';
import { DigitsPreTokenizer } from './digits.js';
import { MetaspacePreTokenizer } from './metaspace.js';
import { PunctuationPreTokenizer } from './punctuation.js';
import { PreTokenizerSequence } from './sequence.js';
import { SplitPreTokenizer } from './split.js';
import { SPLIT_BEHAVIORS, type SplitBehavior } from './split_util.js';
import { WhitespacePreTokenizer } from './whitespace.js';
import { WhitespaceSplit } from './whitespace_split.js';

export {
  BertPreTokenizer,
  ByteLevelPreTokenizer,
  DigitsPreTokenizer,
  MetaspacePreTokenizer,
  PunctuationPreTokenizer,
  PreTokenizerSequence,
  SplitPreTokenizer,
  WhitespacePreTokenizer,
  WhitespaceSplit,
};

function behavior(j: JsonReader, fallback: SplitBehavior): SplitBehavior {
  const b = j.string('behavior', fallback);
  if (!SPLIT_BEHAVIORS.includes(b as SplitBehavior)) j.bad('behavior', `one of ${SPLIT_BEHAVIORS.join(', ')}`, b);
  return b as SplitBehavior;
}

/** A pre-tokenizer from its tokenizer.json object, chosen by `type`. */
export function preTokenizerFromJSON(j: JsonReader): PreTokenizer {
  const type = j.type();
  switch (type) {
    case 'ByteLevel':
      return new ByteLevelPreTokenizer({
        addPrefixSpace: j.bool('add_prefix_space', false),
        trimOffsets: j.bool('trim_offsets', true),
        useRegex: j.bool('use_regex', true),
      });
    case 'BertPreTokenizer':
      return new BertPreTokenizer();
    case 'Whitespace':
      return new WhitespacePreTokenizer();
    case 'WhitespaceSplit':
      return new WhitespaceSplit();
    case 'Punctuation':
      return new PunctuationPreTokenizer(behavior(j, 'Isolated'));
    case 'Digits':
      return new DigitsPreTokenizer(j.bool('individual_digits', false));
    case 'Split': {
      return new SplitPreTokenizer(patternOf(j), behavior(j, 'Isolated'), j.bool('invert', false));
    }
    case 'Metaspace':
      return new MetaspacePreTokenizer(j.string('replacement', '▁'), prependScheme(j), j.bool('split', true));
    case 'Sequence':
      return new PreTokenizerSequence(j.children('pretokenizers').map(preTokenizerFromJSON));
    default:
      fail('Unsupported', `${j.file}: ${j.path}.type: pre-tokenizer "${type}" is not supported (expected ByteLevel, BertPreTokenizer, Whitespace, WhitespaceSplit, Punctuation, Digits, Split, Metaspace or Sequence)`);
  }
}
