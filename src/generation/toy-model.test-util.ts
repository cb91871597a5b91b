import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CausalLM, CausalLMForwardOptions, KVCache } from './types.js';

/** A cache that only counts positions and records reorders. */
export class CountingCache implements KVCache {
  length = 0;
  readonly reorders: number[][] = [];
  reorder(order: readonly number[]): void {
    this.reorders.push([...order]);
  }
}

/**
 * A model whose next-token probabilities depend only on the current token: row `t` of `table` holds
 * p(next | t). Logits are log-probabilities, so log-softmax gives them back exactly. Records each call.
 */
export class TableModel implements CausalLM {
  readonly calls: { T: number; mask: number[][] | null; positions: number[][] | null; cached: boolean }[] = [];
  readonly caches: CountingCache[] = [];
  constructor(readonly table: number[][], readonly withCache = true) {}

  newCache?(): KVCache {
    if (!this.withCache) throw new Error('no cache');
    const c = new CountingCache();
    this.caches.push(c);
    return c;
  }

  forward(ids: Tensor, opts: CausalLMForwardOptions = {}): Tensor {
    const [B, T] = ids.shape;
    const V = this.table.length;
    const list = ids.tolist() as number[][];
    this.calls.push({
      T,
      mask: opts.attentionMask ? (opts.attentionMask.tolist() as number[][]) : null,
      positions: opts.positionIds ? (opts.positionIds.tolist() as number[][]) : null,
      cached: !!opts.cache,
    });
    if (opts.cache) (opts.cache as CountingCache).length += T;
    const out = new Float32Array(B * T * V);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const row = this.table[list[b][t]];
        for (let v = 0; v < V; v++) out[(b * T + t) * V + v] = Math.log(row[v]);
      }
    }
    return tensor(out, { shape: [B, T, V] });
  }
}

/** Token i decodes to the i-th string; bytes ≥ 128 are kept as raw UTF-8 bytes (so characters can split). */
export class ToyTokenizer {
  constructor(readonly pieces: (string | number[])[]) {}
  decode(ids: number[]): string {
    const bytes: number[] = [];
    for (const id of ids) {
      const p = this.pieces[id];
      if (typeof p === 'string') bytes.push(...new TextEncoder().encode(p));
      else bytes.push(...p);
    }
    return new TextDecoder().decode(new Uint8Array(bytes));
  }
  encode(text: string): { ids: number[] } {
    return { ids: [...text].map((ch) => this.pieces.indexOf(ch)) };
  }
}
