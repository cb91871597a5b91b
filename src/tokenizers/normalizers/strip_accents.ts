import type { NormalizedString } from '../normalized_string.js';
import type { Normalizer } from '../types.js';

const NONSPACING_MARK = /^\p{Mn}$/u;

/** Removes non-spacing marks (apply after NFD/NFKD, as Hugging Face's StripAccents expects). */
export class StripAccents implements Normalizer {
  readonly type = 'StripAccents';
  normalize(s: NormalizedString): void {
    s.mapChars((ch) => (NONSPACING_MARK.test(ch) ? '' : ch));
  }
  toJSON(): object {
    return { type: this.type };
  }
}
