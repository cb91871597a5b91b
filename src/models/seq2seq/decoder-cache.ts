import { chunk, reshape, scaledDotProductAttention, slice, transpose } from '../../autograd/ops/index.js';
import { fail } from '../../errors.js';
import type { KVCache } from '../../generation/types.js';
import { linear } from '../../nn/linear.js';
import type { MultiheadAttention } from '../../nn/multihead-attention.js';
import { clone } from '../../autograd/ops/shape.js';
import type { Tensor } from '../../tensor/tensor.js';
import { LayerKVCache } from '../kv-cache.js';

/**
 * What incremental decoding keeps between steps: each decoder layer's self-attention keys/values (one
 * position added per step) and its cross-attention keys/values over the encoder output, projected once
 * on the first step and reused after. Rows follow the decoder's rows (beam search reorders both).
 */
export class Seq2SeqDecoderCache implements KVCache {
  readonly self: LayerKVCache;
  /** Per layer [keys, values] (B, H, S, D) of the attention over the memory, null until the first step. */
  private cross: ([Tensor, Tensor] | null)[];
  /** (B, 1, 1, S) bool, true = a source position a row may attend; kept with the rows it belongs to. */
  private memoryAttend: Tensor | null | undefined;

  constructor(readonly numLayers: number, readonly batch: number, readonly nhead: number, maxLength: number, readonly headDim: number) {
    this.self = new LayerKVCache(numLayers, batch, nhead, maxLength, headDim);
    this.cross = Array.from({ length: numLayers }, () => null);
  }

  get length(): number {
    return this.self.length;
  }

  /** The layer's memory keys/values, projected by `attn` the first time they are asked for. */
  memoryKeysValues(layer: number, attn: MultiheadAttention, memory: Tensor): [Tensor, Tensor] {
    const have = this.cross[layer];
    if (have) return have;
    if (memory.shape[0] !== this.batch) fail('ShapeMismatch', `Seq2SeqDecoderCache: memory has ${memory.shape[0]} rows, the cache ${this.batch}`);
    const E = attn.embedDim;
    const w = attn.inProjWeight;
    const b = attn.inProjBias;
    const kv = linear(memory, slice(w, [E, 3 * E]), b ? slice(b, [E, 3 * E]) : null); // (B, S, 2E)
    const [k, v] = chunk(kv, 2, -1).map((t) => clone(splitHeads(t, attn.numHeads)));
    this.cross[layer] = [k, v];
    return [k, v];
  }

  /** The memory's attention mask as the first step gave it, moved with the rows since. */
  memoryMask(given: Tensor | null): Tensor | null {
    if (this.memoryAttend === undefined) this.memoryAttend = given ? clone(given) : null;
    return this.memoryAttend;
  }

  reorder(order: readonly number[]): void {
    this.self.reorder(order);
    if (order.every((src, i) => src === i)) return;
    const tensors = this.cross.flatMap((kv) => kv ?? []);
    if (this.memoryAttend) tensors.push(this.memoryAttend);
    for (const t of tensors) {
      const row = t.size / this.batch;
      const data = t.data as Float32Array;
      const src = data.slice();
      order.forEach((from, to) => data.set(src.subarray(from * row, (from + 1) * row), to * row));
    }
  }
}

/** (B, T, E) → (B, H, T, E/H). */
export function splitHeads(x: Tensor, heads: number): Tensor {
  const [B, T, E] = x.shape;
  return transpose(reshape(x, [B, T, heads, E / heads]), 1, 2);
}

/** (B, H, T, D) → (B, T, H·D). */
export function mergeHeads(x: Tensor): Tensor {
  const [B, H, T, D] = x.shape;
  return reshape(transpose(x, 1, 2), [B, T, H * D]);
}

/**
 * The self-attention of a decoder layer for the T newest positions, reading and extending the cache:
 * the same weights and result as `attn.forward(x, x, x, { isCausal: true })` over the whole prefix.
 */
export function cachedSelfAttention(attn: MultiheadAttention, x: Tensor, cache: Seq2SeqDecoderCache, layer: number): Tensor {
  const [q, k, v] = chunk(linear(x, attn.inProjWeight, attn.inProjBias), 3, -1).map((t) => splitHeads(t, attn.numHeads));
  const [keys, values] = cache.self.update(layer, k, v);
  const y = scaledDotProductAttention(q, keys, values, { isCausal: true });
  return attn.outProj.forward(mergeHeads(y));
}

/** The attention of the T newest positions over the memory, with its keys/values from the cache. */
export function cachedMemoryAttention(attn: MultiheadAttention, x: Tensor, memory: Tensor, memoryAttend: Tensor | null,
  cache: Seq2SeqDecoderCache, layer: number): Tensor {
  const E = attn.embedDim;
  const b = attn.inProjBias;
  const q = splitHeads(linear(x, slice(attn.inProjWeight, [0, E]), b ? slice(b, [0, E]) : null), attn.numHeads);
  const [keys, values] = cache.memoryKeysValues(layer, attn, memory);
  const y = scaledDotProductAttention(q, keys, values, { attnMask: cache.memoryMask(memoryAttend) });
  return attn.outProj.forward(mergeHeads(y));
}
