import { copyInto } from '../autograd/ops/shape.js';
import { fail } from '../errors.js';
import { emptyTensor, type Tensor } from '../tensor/tensor.js';
import type { KVCache } from '../generation/types.js';

/**
 * Keys and values of every attention layer, in buffers allocated once: per layer [B, maxT, nh, hs] for
 * keys and for values (position-major, so a step's new positions are one block per row, as c_attn makes
 * them). A forward pass writes its T new positions at `length` and reads back (B, nh, length + T, hs)
 * views, which the attention kernel reads in place: a decoding step copies one position per layer
 * instead of the history.
 */
export class LayerKVCache implements KVCache {
  length = 0;
  private keys: Tensor[];
  private values: Tensor[];

  constructor(readonly nLayer: number, readonly batch: number, readonly nHead: number, readonly maxLength: number,
    readonly headSize: number) {
    const shape = [batch, maxLength, nHead, headSize];
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
    // (B, nh, T, hs) views of the [B, maxT, nh, hs] buffers
    const strides = [this.maxLength * H * D, D, H * D, 1];
    const at = this.length * H * D;
    const store = (x: Tensor, buffer: Tensor) => {
      const [s0, s1, s2, s3] = x.strides;
      copyInto(x.rawView([B, T, H, D], [s0, s2, s1, s3], x.offset), buffer.rawView([B, T, H, D], [strides[0], H * D, D, 1], at));
    };
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
