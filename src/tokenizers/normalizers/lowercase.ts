import type { NormalizedString } from '../normalized_string.js';
import type { Normalizer } from '../types.js';

/** Unicode lower-casing. */
export class Lowercase implements Normalizer {
  readonly type = 'Lowercase';
  normalize(s: NormalizedString): void {
    s.mapChars((ch) => ch.toLowerCase());
  }
  toJSON(): object {
    return { type: this.type };
  }
}
