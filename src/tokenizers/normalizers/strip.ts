import type { NormalizedString } from '../normalized_string.js';
import type { Normalizer } from '../types.js';

/** Removes whitespace at the start and/or end. */
export class Strip implements Normalizer {
  readonly type = 'Strip';
  constructor(
    readonly left = true,
    readonly right = true,
  ) {}
  normalize(s: NormalizedString): void {
    const t = s.normalized;
    const lead = this.left ? t.length - t.trimStart().length : 0;
    const trail = this.right ? t.length - t.trimEnd().length : 0;
    if (lead === 0 && trail === 0) return;
    let i = 0;
    s.mapGroups(/[\s\S]/g, (u) => {
      const keep = i >= lead && i < t.length - trail;
      i++;
      return keep ? u : '';
    });
  }
  toJSON(): object {
    return { type: this.type, strip_left: this.left, strip_right: this.right };
  }
}
