import { fail } from '../../errors.js';
import { WordLevel } from '../models/word_level.js';
import { Vocab } from '../models/vocab.js';
import { wordTokenizer } from '../presets.js';
import type { Tokenizer } from '../tokenizer.js';
import { byCodePoint, type Corpus, countWords } from './corpus.js';

export interface WordTrainerOptions {
  /** Largest vocabulary (special tokens included). Default: every word. */
  vocabSize?: number;
  /** Keep only words seen at least this often. Default 1. */
  minFrequency?: number;
  /** Default ['[UNK]']. */
  specialTokens?: string[];
  /** Default '[UNK]'. */
  unkToken?: string;
  showProgress?: boolean;
}

/** A word vocabulary (`\w+|[^\w\s]+` words), most frequent first (ties in code point order). */
export function trainWordTokenizer(corpus: Corpus, opts: WordTrainerOptions = {}): Tokenizer {
  const unk = opts.unkToken ?? '[UNK]';
  const specials = opts.specialTokens ?? [unk];
  if (!specials.includes(unk)) fail('InvalidArgument', `trainWordTokenizer: unkToken ${JSON.stringify(unk)} must be among specialTokens`);
  const counting = wordTokenizer(new WordLevel(new Vocab([[unk, 0]]), unk));
  const counts = countWords(counting, corpus, opts.showProgress);
  const words = [...counts.keys()]
    .filter((w) => counts.get(w)! >= (opts.minFrequency ?? 1) && !specials.includes(w))
    .sort((a, b) => counts.get(b)! - counts.get(a)! || byCodePoint(a, b));
  const limit = Math.max(0, (opts.vocabSize ?? Infinity) - specials.length);
  const vocab = [...specials, ...words.slice(0, limit)];
  const t = wordTokenizer(new WordLevel(Vocab.fromList(vocab), unk));
  t.addSpecialTokens(specials);
  return t;
}
