import type { Token } from '../types.js';
import type { Vocab } from './vocab.js';
import { VocabModel } from './vocab_model.js';

export interface WordPieceOptions {
  /** Default '[UNK]'; must be in the vocabulary. */
  unkToken?: string;
  /** Marks tokens that continue a word. Default '##'. */
  continuingSubwordPrefix?: string;
  /** Longer words (in characters) become one unk token. Default 100. */
  maxInputCharsPerWord?: number;
}

/**
 * WordPiece (BERT): greedy longest-match-first. From the start of the word, take the longest
 * vocabulary entry, then continue with `##`-prefixed entries; if some position has no match, the whole
 * word is the unk token.
 */
export class WordPiece extends VocabModel {
  readonly type = 'WordPiece';
  readonly unkToken: string;
  readonly continuingSubwordPrefix: string;
  readonly maxInputCharsPerWord: number;
  private readonly unkId: number;
  private readonly cache = new Map<string, Token[]>();

  constructor(vocab: Vocab | Map<string, number>, opts: WordPieceOptions = {}) {
    super(vocab);
    this.unkToken = opts.unkToken ?? '[UNK]';
    this.continuingSubwordPrefix = opts.continuingSubwordPrefix ?? '##';
    this.maxInputCharsPerWord = opts.maxInputCharsPerWord ?? 100;
    this.unkId = this.requireUnkId(this.unkToken);
  }

  tokenize(word: string): Token[] {
    let tokens = this.cache.get(word);
    if (!tokens) {
      tokens = this.split(word);
      if (this.cache.size >= 100_000) this.cache.clear();
      this.cache.set(word, tokens);
    }
    return tokens;
  }

  private split(word: string): Token[] {
    const bounds: number[] = [];
    for (let i = 0; i < word.length; ) {
      bounds.push(i);
      i += word.codePointAt(i)! > 0xffff ? 2 : 1;
    }
    bounds.push(word.length);
    const unk = [{ id: this.unkId, value: this.unkToken, start: 0, end: word.length }];
    if (bounds.length - 1 > this.maxInputCharsPerWord) return unk;
    const out: Token[] = [];
    let s = 0;
    while (s < bounds.length - 1) {
      let found: Token | null = null;
      for (let e = bounds.length - 1; e > s; e--) {
        let sub = word.slice(bounds[s], bounds[e]);
        if (s > 0) sub = this.continuingSubwordPrefix + sub;
        const id = this.vocab.toId.get(sub);
        if (id !== undefined) {
          found = { id, value: sub, start: bounds[s], end: bounds[e] };
          s = e;
          break;
        }
      }
      if (!found) return unk;
      out.push(found);
    }
    return out;
  }

  toJSON(): object {
    return {
      type: this.type,
      unk_token: this.unkToken,
      continuing_subword_prefix: this.continuingSubwordPrefix,
      max_input_chars_per_word: this.maxInputCharsPerWord,
      vocab: this.vocab.toJSON(),
    };
  }
}
