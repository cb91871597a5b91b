import { fail } from '../../errors.js';

/** Token ↔ id tables shared by the models. */
export class Vocab {
  readonly toId: Map<string, number>;
  readonly toToken: (string | undefined)[] = [];

  constructor(entries: Map<string, number> | Iterable<[string, number]>, where = 'vocab') {
    this.toId = entries instanceof Map ? entries : new Map(entries);
    for (const [tok, id] of this.toId) {
      if (this.toToken[id] !== undefined) fail('InvalidFile', `${where}: id ${id} is given to both ${JSON.stringify(this.toToken[id])} and ${JSON.stringify(tok)}`);
      this.toToken[id] = tok;
    }
  }

  /** A vocabulary from tokens in id order. */
  static fromList(tokens: string[]): Vocab {
    return new Vocab(tokens.map((t, i) => [t, i] as [string, number]));
  }

  get size(): number {
    return this.toId.size;
  }

  /** A JSON object of token → id in id order. */
  toJSON(): Record<string, number> {
    const out: Record<string, number> = {};
    for (let id = 0; id < this.toToken.length; id++) {
      const t = this.toToken[id];
      if (t !== undefined) out[t] = id;
    }
    return out;
  }
}
