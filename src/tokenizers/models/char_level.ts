import { fail } from '../../errors.js';
import type { Token } from '../types.js';
import type { Vocab } from './vocab.js';
import { VocabModel } from './vocab_model.js';

/**
 * Character-level model (nanoGPT's shakespeare_char): every code point is a token. An lmkit model
 * (`type: "CharLevel"` in tokenizer.json); Hugging Face's libraries do not know it.
 */
export class CharLevel extends VocabModel {
  readonly type = 'CharLevel';
  readonly unkToken: string | null;
  private readonly unkId: number;

  constructor(vocab: Vocab | Map<string, number>, unkToken: string | null = null) {
    super(vocab);
    this.unkToken = unkToken;
    this.unkId = this.requireUnkId(unkToken);
  }

  tokenize(word: string): Token[] {
    const out: Token[] = [];
    for (let i = 0; i < word.length; ) {
      const w = word.codePointAt(i)! > 0xffff ? 2 : 1;
      const ch = word.slice(i, i + w);
      const id = this.vocab.toId.get(ch) ?? this.unkId;
      if (id < 0) fail('InvalidArgument', `CharLevel: character ${JSON.stringify(ch)} (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) is not in the vocabulary and there is no unk_token`);
      out.push({ id, value: id === this.unkId ? this.unkToken! : ch, start: i, end: i + w });
      i += w;
    }
    return out;
  }

  tokenizeIds(word: string): number[] {
    const out: number[] = [];
    for (const ch of word) {
      const id = this.vocab.toId.get(ch) ?? this.unkId;
      if (id < 0) return this.tokenize(word).map((t) => t.id);
      out.push(id);
    }
    return out;
  }

  toJSON(): object {
    return { type: this.type, vocab: this.vocab.toJSON(), unk_token: this.unkToken };
  }
}
