import type { NormalizedString } from '../normalized_string.js';
import type { Normalizer } from '../types.js';

export type UnicodeForm = 'NFC' | 'NFD' | 'NFKC' | 'NFKD';

/** A base character with the combining marks that follow it: the unit Unicode forms act on. */
const CLUSTER = /\P{M}\p{M}*|\p{M}+/gu;

/** Unicode normalization form NFC, NFD, NFKC or NFKD (its JSON `type` is the form's name). */
export class UnicodeNormalizer implements Normalizer {
  constructor(readonly type: UnicodeForm) {}
  normalize(s: NormalizedString): void {
    if (s.normalized.normalize(this.type) === s.normalized) return;
    s.mapGroups(CLUSTER, (g) => g.normalize(this.type));
  }
  toJSON(): object {
    return { type: this.type };
  }
}
