import { fail } from '../../errors.js';
import type { Model, Token } from '../types.js';
import { Vocab } from './vocab.js';

/** Word-level model: each pre-tokenized word is one token, or the unk token when unknown. */
export class WordLevel implements Model {
  readonly type = 'WordLevel';
  readonly vocab: Vocab;
  readonly unkToken: string | null;

  constructor(vocab: Vocab | Map<string, number>, unkToken: string | null = '[UNK]') {
    this.vocab = vocab instanceof Vocab ? vocab : new Vocab(vocab);
    this.unkToken = unkToken;
  }

  get vocabSize(): number {
    return this.vocab.size;
  }
  tokenToId(token: string): number | undefined {
    return this.vocab.toId.get(token);
  }
  idToToken(id: number): string | undefined {
    return this.vocab.toToken[id];
  }
  vocabList(): (string | undefined)[] {
    return this.vocab.toToken;
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
