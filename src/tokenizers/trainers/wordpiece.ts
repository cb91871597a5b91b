import { BPE } from '../models/bpe.js';
import { WordPiece } from '../models/wordpiece.js';
import { Vocab } from '../models/vocab.js';
import { bertTokenizer } from '../presets.js';
import type { Tokenizer } from '../tokenizer.js';
import { BpeTrainer, type BpeTrainerOptions } from './bpe.js';
import { type Corpus, countWords } from './corpus.js';

export interface WordPieceTrainerOptions extends Omit<BpeTrainerOptions, 'continuingSubwordPrefix' | 'endOfWordSuffix'> {
  /** Default true (bert-base-uncased). */
  lowercase?: boolean;
}

/**
 * Trains a BERT-style WordPiece tokenizer (Hugging Face's WordPieceTrainer: BPE merges learned with the
 * `##` continuation prefix, then used as a WordPiece vocabulary). Special tokens default to
 * [PAD] [UNK] [CLS] [SEP] [MASK].
 */
export function trainWordPiece(corpus: Corpus, opts: WordPieceTrainerOptions): Tokenizer {
  const specialTokens = opts.specialTokens ?? ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
  const counting = bertTokenizer(new WordPiece(new Vocab([['[UNK]', 0]])), { lowercase: opts.lowercase ?? true });
  const counts = countWords(counting, corpus, opts.showProgress);
  const bpe: BPE = new BpeTrainer({ ...opts, specialTokens, continuingSubwordPrefix: '##' }).train(counts);
  const unk = specialTokens.includes('[UNK]') ? '[UNK]' : specialTokens[0];
  return bertTokenizer(new WordPiece(bpe.vocab, { unkToken: unk }), { lowercase: opts.lowercase ?? true });
}
