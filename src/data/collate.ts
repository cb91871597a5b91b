import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { SeqPair } from './dataset.js';

export interface PadOptions {
  /** Default 0. */
  padId?: number;
  /** Where padding goes. Default 'right'. */
  side?: 'right' | 'left';
  /** Pad to this length (longer sequences are cut); default the longest sequence. */
  length?: number;
}

/** Padded ids [B, L] and the attention mask [B, L] (1 = token, 0 = padding), both int32. */
export interface PaddedBatch {
  ids: Tensor;
  mask: Tensor;
}

/** Pads sequences of token ids to one length. */
export function padSequences(seqs: ArrayLike<number>[], opts: PadOptions = {}): PaddedBatch {
  const padId = opts.padId ?? 0;
  const L = opts.length ?? seqs.reduce((m, s) => Math.max(m, s.length), 0);
  const ids = new Int32Array(seqs.length * L).fill(padId);
  const mask = new Int32Array(seqs.length * L);
  seqs.forEach((s, b) => {
    const n = Math.min(s.length, L);
    const at = opts.side === 'left' ? b * L + (L - n) : b * L;
    for (let t = 0; t < n; t++) {
      ids[at + t] = s[t];
      mask[at + t] = 1;
    }
  });
  return { ids: tensor(ids, { shape: [seqs.length, L] }), mask: tensor(mask, { shape: [seqs.length, L] }) };
}

/** A padded batch of source/target pairs. */
export interface SeqPairBatch {
  source: Tensor;
  sourceMask: Tensor;
  target: Tensor;
  targetMask: Tensor;
}

/** Collates source/target pairs: each side padded on the right with `padId`. */
export function collatePairs(padId = 0): (items: SeqPair[]) => SeqPairBatch {
  return (items) => {
    const s = padSequences(items.map((i) => i.source), { padId });
    const t = padSequences(items.map((i) => i.target), { padId });
    return { source: s.ids, sourceMask: s.mask, target: t.ids, targetMask: t.mask };
  };
}
