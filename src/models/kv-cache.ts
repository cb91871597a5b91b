import { copyInto } from '../autograd/ops/shape.js';
import { fail } from '../errors.js';
import { emptyTensor, type Tensor } from '../tensor/tensor.js';
import type { KVCache } from '../generation/types.js';

/**
 * Keys and values of every attention layer, in buffers allocated once: per layer [B, nh, maxT, hs] for
 * keys and for values (head-major, so that each head's history is one contiguous block, which the
 * attention kernel reads as one sequential stream). A forward pass writes its T new positions at `length`
 * and reads back (B, nh, length + T, hs) views, which the attention kernel reads in place: a decoding step
 * copies one position per head and layer instead of the history.
 */
export class LayerKVCache implements KVCache {
  length = 0;
  private keys: Tensor[];
  private values: Tensor[];

  constructor(readonly nLayer: number, readonly batch: number, readonly nHead: number, readonly maxLength: number,
    readonly headSize: number) {
    const shape = [batch, nHead, maxLength, headSize];
    this.keys = Array.from({ length: nLayer }, () => emptyTensor(shape, 'float32'));
    this.values = Array.from({ length: nLayer }, () => emptyTensor(shape, 'float32'));
  }

  /** Stores k, v (B, nh, T, hs) of `layer` after the cached positions; returns keys and values (B, nh, length + T, hs). */
  update(layer: number, k: Tensor, v: Tensor): [Tensor, Tensor] {
    const [B, H, T, D] = k.shape;
    if (B !== this.batch || H !== this.nHead || D !== this.headSize) {
      fail('ShapeMismatch', `KV cache: expected keys [${this.batch}, ${this.nHead}, T, ${this.headSize}], got [${k.shape.join(', ')}]`);
    }
    const end = this.length + T;
    if (end > this.maxLength) fail('InvalidArgument', `KV cache: ${end} positions exceed its capacity of ${this.maxLength}`);
    // (B, nh, T, hs) views of the [B, nh, maxT, hs] buffers
    const strides = [H * this.maxLength * D, this.maxLength * D, D, 1];
    const at = this.length * D;
    const store = (x: Tensor, buffer: Tensor) => copyInto(x, buffer.rawView([B, H, T, D], strides, at));
    store(k, this.keys[layer]);
    store(v, this.values[layer]);
    return [this.keys[layer].rawView([B, H, end, D], strides, 0), this.values[layer].rawView([B, H, end, D], strides, 0)];
  }

  /** Called once per forward pass, after every layer has stored its T positions. */
  advance(T: number): void {
    this.length += T;
  }

  reorder(order: readonly number[]): void {
    if (order.length !== this.batch) fail('ShapeMismatch', `KV cache: reorder needs ${this.batch} rows, got ${order.length}`);
    if (order.every((src, i) => src === i)) return;
    const row = this.maxLength * this.nHead * this.headSize;
    const permute = (t: Tensor) => {
      const data = t.data as Float32Array;
      const src = data.slice();
      order.forEach((from, to) => data.set(src.subarray(from * row, (from + 1) * row), to * row));
    };
    this.keys.forEach(permute);
    this.values.forEach(permute);
  }
}
