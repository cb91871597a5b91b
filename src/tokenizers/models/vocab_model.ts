import { fail } from '../../errors.js';
import type { Model, Token } from '../types.js';
import { Vocab } from './vocab.js';

/**
 * The vocabulary half of a {@link Model}, shared by BPE, WordPiece, WordLevel and CharLevel:
 * token ↔ id lookups over one {@link Vocab}, and the check that the unk token is in it.
 */
export abstract class VocabModel implements Model {
  abstract readonly type: string;
  readonly vocab: Vocab;

  constructor(vocab: Vocab | Map<string, number>) {
    this.vocab = vocab instanceof Vocab ? vocab : new Vocab(vocab);
  }

  abstract tokenize(word: string): Token[];
  abstract toJSON(): object;

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

  /** The id of `unkToken` (-1 when it is null); fails with InvalidFile when the vocabulary lacks it. */
  protected requireUnkId(unkToken: string | null): number {
    if (unkToken === null) return -1;
    const id = this.vocab.toId.get(unkToken);
    if (id === undefined) fail('InvalidFile', `${this.type}: unk_token ${JSON.stringify(unkToken)} is not in the vocabulary`);
    return id;
  }
}
