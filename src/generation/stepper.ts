import { noGrad } from '../autograd/graph.js';
import { fail } from '../errors.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CausalLM, KVCache } from './types.js';

/**
 * Runs a model one step at a time over growing rows of tokens and hands back each row's next-token
 * logits. With a cache, the first step reads the prompts and every later step only the newest token;
 * without one, each step re-reads every row from the start.
 */
export class Stepper {
  private cache: KVCache | null;

  constructor(private readonly model: CausalLM, batch: number, maxLength: number, useCache: boolean) {
    if (model.maxPositions !== undefined && maxLength > model.maxPositions) {
      fail('InvalidArgument', `generate: prompt plus new tokens need ${maxLength} positions, but the model takes at most ${model.maxPositions}`);
    }
    this.cache = useCache && model.newCache ? model.newCache(batch, maxLength) : null;
  }

  /**
   * Next-token scores for every row (all rows have the same length). `mask` (1 = real token, 0 =
   * padding) covers the whole rows; null means no padding anywhere.
   */
  next(rows: readonly (readonly number[])[], mask: readonly (readonly number[])[] | null): Float64Array[] {
    const B = rows.length;
    const total = rows[0].length;
    const past = this.cache ? this.cache.length : 0;
    const T = total - past;
    const ids = new Int32Array(B * T);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) ids[b * T + t] = rows[b][past + t];
    let attentionMask: Tensor | undefined;
    let positionIds: Tensor | undefined;
    if (mask) {
      const m = new Int32Array(B * total);
      const pos = new Int32Array(B * T);
      for (let b = 0; b < B; b++) {
        let seen = 0;
        for (let t = 0; t < total; t++) {
          m[b * total + t] = mask[b][t];
          seen += mask[b][t];
          // Hugging Face GPT-2: position = (real tokens so far) - 1, and 1 on padding.
          if (t >= past) pos[b * T + t - past] = mask[b][t] ? seen - 1 : 1;
        }
      }
      attentionMask = tensor(m, { shape: [B, total] });
      positionIds = tensor(pos, { shape: [B, T] });
    }
    const idsT = tensor(ids, { shape: [B, T] });
    const logits = noGrad(() => this.model.forward(idsT, {
      cache: this.cache ?? undefined, attentionMask, positionIds, lastOnly: true,
    }));
    const [, Tl, V] = logits.shape;
    const [s0, s1, s2] = logits.strides;
    const data = logits.data;
    const out: Float64Array[] = [];
    for (let b = 0; b < B; b++) {
      const row = new Float64Array(V);
      const at = logits.offset + b * s0 + (Tl - 1) * s1;
      for (let v = 0; v < V; v++) row[v] = data[at + v * s2];
      out.push(row);
    }
    return out;
  }

  /** Beam search moved beams: row i now continues what row order[i] was. */
  reorder(order: readonly number[]): void {
    this.cache?.reorder(order);
  }
}
