import type { NormalizedString } from '../normalized_string.js';
import type { Normalizer } from '../types.js';

/** Applies normalizers one after another. */
export class NormalizerSequence implements Normalizer {
  readonly type = 'Sequence';
  constructor(readonly normalizers: Normalizer[]) {}
  normalize(s: NormalizedString): void {
    for (const n of this.normalizers) n.normalize(s);
  }
  toJSON(): object {
    return { type: this.type, normalizers: this.normalizers.map((n) => n.toJSON()) };
  }
}
