import { fail } from '../../errors.js';
import type { Token } from '../types.js';
import type { Vocab } from './vocab.js';
import { VocabModel } from './vocab_model.js';

/** Word-level model: each pre-tokenized word is one token, or the unk token when unknown. */
export class WordLevel extends VocabModel {
  readonly type = 'WordLevel';
  readonly unkToken: string | null;

  constructor(vocab: Vocab | Map<string, number>, unkToken: string | null = '[UNK]') {
    super(vocab);
    this.unkToken = unkToken;
  }

  tokenize(word: string): Token[] {
    let id = this.vocab.toId.get(word);
    let value = word;
    if (id === undefined && this.unkToken !== null) {
      id = this.vocab.toId.get(this.unkToken);
      value = this.unkToken;
    }
    if (id === undefined) fail('InvalidArgument', `WordLevel: word ${JSON.stringify(word)} is not in the vocabulary and unk_token ${JSON.stringify(this.unkToken)} is missing`);
    return [{ id, value, start: 0, end: word.length }];
  }

  toJSON(): object {
    return { type: this.type, vocab: this.vocab.toJSON(), unk_token: this.unkToken };
  }
}
