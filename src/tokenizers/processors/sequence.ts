import type { Encoding } from '../encoding.js';
import type { PostProcessor } from '../types.js';

/** Applies post-processors in turn (each sees the pair only if no earlier one merged it). */
export class ProcessorSequence implements PostProcessor {
  readonly type = 'Sequence';
  constructor(readonly processors: PostProcessor[]) {}
  addedTokens(isPair: boolean): number {
    return this.processors.reduce((n, p) => n + p.addedTokens(isPair), 0);
  }
  process(a: Encoding, b: Encoding | null, addSpecialTokens: boolean): Encoding {
    let out = a;
    let pair = b;
    for (const p of this.processors) {
      out = p.process(out, pair, addSpecialTokens);
      pair = null;
    }
    return out;
  }
  toJSON(): object {
    return { type: this.type, processors: this.processors.map((p) => p.toJSON()) };
  }
}
