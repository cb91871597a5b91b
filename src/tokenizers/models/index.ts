import { fail } from '../../errors.js';
import type { JsonReader } from '../json.js';
import type { Model } from '../types.js';
import { BPE } from './bpe.js';
import { CharLevel } from './char_level.js';
import { WordLevel } from './word_level.js';
import { WordPiece } from './wordpiece.js';
import { Vocab } from './vocab.js';

export { BPE, CharLevel, Vocab, WordLevel, WordPiece };

/** BPE merges as "a b" strings or [a, b] arrays. */
function readMerges(j: JsonReader): [string, string][] {
  return j.array('merges').map((m, i) => {
    if (typeof m === 'string') {
      const parts = m.split(' ');
      if (parts.length !== 2 || !parts[0] || !parts[1]) j.bad(`merges[${i}]`, 'a string "a b" of two tokens separated by one space', m);
      return [parts[0], parts[1]] as [string, string];
    }
    if (Array.isArray(m) && m.length === 2 && typeof m[0] === 'string' && typeof m[1] === 'string') return [m[0], m[1]] as [string, string];
    return j.bad(`merges[${i}]`, 'a string "a b" or a pair of strings', m);
  });
}

function vocabOf(j: JsonReader): Vocab {
  return new Vocab(j.vocab('vocab'), `${j.file}: ${j.path}.vocab`);
}

/** A model from its tokenizer.json object, chosen by `type`. */
export function modelFromJSON(j: JsonReader): Model {
  const type = j.has('type') ? j.type() : j.has('merges') ? 'BPE' : 'WordPiece';
  switch (type) {
    case 'BPE': {
      const dropout = j.optNumber('dropout');
      if (dropout !== null && dropout > 0) fail('Unsupported', `${j.file}: ${j.path}.dropout: BPE dropout is not supported (expected null or 0, got ${dropout})`);
      return new BPE(vocabOf(j), readMerges(j), {
        unkToken: j.optString('unk_token'),
        continuingSubwordPrefix: j.optString('continuing_subword_prefix'),
        endOfWordSuffix: j.optString('end_of_word_suffix'),
        fuseUnk: j.bool('fuse_unk', false),
        byteFallback: j.bool('byte_fallback', false),
        ignoreMerges: j.bool('ignore_merges', false),
      });
    }
    case 'WordPiece':
      return new WordPiece(vocabOf(j), {
        unkToken: j.string('unk_token', '[UNK]'),
        continuingSubwordPrefix: j.string('continuing_subword_prefix', '##'),
        maxInputCharsPerWord: j.int('max_input_chars_per_word', 100),
      });
    case 'WordLevel':
      return new WordLevel(vocabOf(j), j.optString('unk_token'));
    case 'CharLevel':
      return new CharLevel(vocabOf(j), j.optString('unk_token'));
    default:
      fail('Unsupported', `${j.file}: ${j.path}.type: model "${type}" is not supported (expected BPE, WordPiece, WordLevel or CharLevel)`);
  }
}
