import { noGrad } from '../autograd/graph.js';
import { fail } from '../errors.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CausalLM, KVCache } from './types.js';

/**
 * Runs a model one step at a time over growing rows of tokens and hands back each row's next-token
 * logits. With a cache, the first step reads the prompts and every later step only the newest token;
 * without one, each step re-reads every row from the start.
 *
 * Rows longer than the model's context (`maxPositions`) slide, as nanoGPT's sampling does: without a
 * cache the model reads the last `maxPositions` tokens; with one, the cache is refilled from the last
 * half-context tokens whenever it is full, so each token still costs about one position's work.
 */
export class Stepper {
  private cache: KVCache | null;
  /** Where in the rows the cache's first position stands (moves when the context slides). */
  private start = 0;
  private readonly limit: number;
  /** The rows `next` returns, refilled by every call (a fresh 50257-score row per token costs page faults). */
  private scores: Float64Array[] = [];

  constructor(private readonly model: CausalLM, private readonly batch: number, maxLength: number, useCache: boolean) {
    this.limit = model.maxPositions ?? Infinity;
    this.cache = useCache && model.newCache ? model.newCache(batch, Math.min(maxLength, this.limit)) : null;
  }

  /**
   * Next-token scores for every row (all rows have the same length). `mask` (1 = real token, 0 =
   * padding) covers the whole rows; null means no padding anywhere. The returned rows are valid until
   * the next call, which overwrites them.
   */
  next(rows: readonly (readonly number[])[], mask: readonly (readonly number[])[] | null): Float64Array[] {
    return this.run(rows, mask, false).scores;
  }

  /**
   * As `next`, and also the logits at every position this call reads ([B, T, V]: with a cache, on the
   * first call, every prompt position), from the same forward pass; `past` is the row position of the
   * first of them.
   */
  nextWithAllLogits(rows: readonly (readonly number[])[], mask: readonly (readonly number[])[] | null): { scores: Float64Array[]; logits: Tensor; past: number } {
    return this.run(rows, mask, true);
  }

  private run(rows: readonly (readonly number[])[], mask: readonly (readonly number[])[] | null, allPositions: boolean): { scores: Float64Array[]; logits: Tensor; past: number } {
    const B = rows.length;
    const total = rows[0].length;
    if (total > this.limit) {
      if (mask) fail('InvalidArgument', `generate: padded rows of ${total} tokens exceed the model's ${this.limit} positions`);
      if (!this.cache) this.start = total - this.limit;
      else if (total - this.start > this.limit) {
        this.cache = this.model.newCache!(this.batch, this.limit);
        this.start = total - Math.max(1, Math.floor(this.limit / 2));
      }
    }
    const past = this.start + (this.cache ? this.cache.length : 0);
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
      cache: this.cache ?? undefined, attentionMask, positionIds, lastOnly: !allPositions,
    }));
    const [, Tl, V] = logits.shape;
    const [s0, s1, s2] = logits.strides;
    const data = logits.data;
    if (this.scores.length !== B || this.scores[0].length !== V) {
      this.scores = Array.from({ length: B }, () => new Float64Array(V));
    }
    for (let b = 0; b < B; b++) {
      const row = this.scores[b];
      const at = logits.offset + b * s0 + (Tl - 1) * s1;
      for (let v = 0; v < V; v++) row[v] = data[at + v * s2];
    }
    return { scores: this.scores, logits, past };
  }

  /** Beam search moved beams: row i now continues what row order[i] was. */
  reorder(order: readonly number[]): void {
    this.cache?.reorder(order);
  }
}
