import type { NormalizedString } from '../normalized_string.js';
import type { Normalizer } from '../types.js';

/** Puts a string in front of non-empty text (Llama's '▁'). */
export class Prepend implements Normalizer {
  readonly type = 'Prepend';
  constructor(readonly prepend: string) {}
  normalize(s: NormalizedString): void {
    s.prepend(this.prepend);
  }
  toJSON(): object {
    return { type: this.type, prepend: this.prepend };
  }
}
