import { CharLevel } from '../models/char_level.js';
import { charTokenizer } from '../presets.js';
import type { Tokenizer } from '../tokenizer.js';
import { byCodePoint, type Corpus, countChars } from './corpus.js';

export interface CharTrainerOptions {
  /** Tokens before the characters (ids 0, 1, ...). */
  specialTokens?: string[];
  /** A special token standing for unseen characters (added to `specialTokens` if missing). */
  unkToken?: string | null;
  /** Keep only characters seen at least this often. Default 1. */
  minFrequency?: number;
}

/** A character vocabulary: every distinct code point of the corpus, sorted (nanoGPT's shakespeare_char). */
export function trainCharTokenizer(corpus: Corpus, opts: CharTrainerOptions = {}): Tokenizer {
  const specials = [...(opts.specialTokens ?? [])];
  if (opts.unkToken && !specials.includes(opts.unkToken)) specials.push(opts.unkToken);
  const counts = countChars(corpus);
  const chars = [...counts.keys()].filter((c) => counts.get(c)! >= (opts.minFrequency ?? 1) && !specials.includes(c)).sort(byCodePoint);
  const vocab = new Map([...specials, ...chars].map((t, i) => [t, i] as [string, number]));
  const t = charTokenizer(new CharLevel(vocab, opts.unkToken ?? null));
  if (specials.length) t.addSpecialTokens(specials);
  return t;
}
