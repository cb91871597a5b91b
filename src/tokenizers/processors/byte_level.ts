import type { Encoding } from '../encoding.js';
import type { PostProcessor } from '../types.js';
import { concatPair } from './default.js';

/**
 * Removes the spaces ('Ġ') that byte-level tokens carry from their offsets, when `trimOffsets`
 * (a prefix space that was added is kept on the first token).
 */
export function trimByteLevelOffsets(e: Encoding, addPrefixSpace: boolean): void {
  for (let i = 0; i < e.length; i++) {
    const tok = e.tokens[i];
    const off = e.offsets[i];
    let lead = 0;
    while (lead < tok.length && tok[lead] === 'Ġ') lead++;
    let trail = 0;
    while (trail < tok.length - lead && tok[tok.length - 1 - trail] === 'Ġ') trail++;
    if (lead > 0) {
      const isFirst = i === 0 || off[0] === 0;
      if (isFirst && addPrefixSpace && lead === 1) lead = 0;
      off[0] = Math.min(off[0] + lead, off[1]);
    }
    if (trail > 0 && off[1] >= trail) off[1] = Math.max(off[1] - trail, off[0]);
  }
  for (const o of e.overflowing) trimByteLevelOffsets(o, addPrefixSpace);
}

/** GPT-2's post-processor: adds no tokens; trims spaces from offsets when `trimOffsets`. */
export class ByteLevelProcessor implements PostProcessor {
  readonly type = 'ByteLevel';
  constructor(
    readonly trimOffsets = true,
    readonly addPrefixSpace = true,
    readonly useRegex = true,
  ) {}
  addedTokens(): number {
    return 0;
  }
  process(a: Encoding, b: Encoding | null): Encoding {
    if (this.trimOffsets) {
      trimByteLevelOffsets(a, this.addPrefixSpace);
      if (b) trimByteLevelOffsets(b, this.addPrefixSpace);
    }
    return b || a.overflowing.length ? concatPair(a, b) : a;
  }
  toJSON(): object {
    return { type: this.type, add_prefix_space: this.addPrefixSpace, trim_offsets: this.trimOffsets, use_regex: this.useRegex };
  }
}
