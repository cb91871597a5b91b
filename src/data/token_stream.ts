import { fail } from '../errors.js';
import { tensor } from '../tensor/create.js';
import { defaultGenerator, type Generator as RandomGenerator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Dataset, LMWindow } from './dataset.js';
import { readTokenFile } from './token_file.js';

/** A batch of language-modelling windows: int32 tensors `x` and `y` of shape [B, blockSize]. */
export interface LMBatch {
  x: Tensor;
  y: Tensor;
}

/**
 * A text as one token stream for language modelling (nanoGPT's data loader). A training batch takes
 * windows of `blockSize + 1` tokens at random offsets: x = tokens[i : i+T], y = tokens[i+1 : i+T+1].
 * As a Dataset, item k is the k-th non-overlapping window (for evaluation in order).
 */
export class TokenStreamDataset implements Dataset<LMWindow> {
  readonly tokens: ArrayLike<number>;
  readonly blockSize: number;

  constructor(tokens: ArrayLike<number>, blockSize: number) {
    if (!Number.isInteger(blockSize) || blockSize < 1) fail('InvalidArgument', `TokenStreamDataset: blockSize must be a positive integer, got ${blockSize}`);
    if (tokens.length < blockSize + 1) fail('InvalidArgument', `TokenStreamDataset: a window needs ${blockSize + 1} tokens, the stream has ${tokens.length}`);
    this.tokens = tokens;
    this.blockSize = blockSize;
  }

  /** A stream stored by `writeTokenFile` (e.g. train.bin from `lmkit prepare`). */
  static fromFile(file: string, blockSize: number): TokenStreamDataset {
    return new TokenStreamDataset(readTokenFile(file), blockSize);
  }

  /** Non-overlapping windows: floor((n - 1) / blockSize). */
  get length(): number {
    return Math.floor((this.tokens.length - 1) / this.blockSize);
  }

  get(index: number): LMWindow {
    if (!(index >= 0 && index < this.length)) fail('IndexOutOfRange', `TokenStreamDataset.get: index ${index} out of range (expected 0 ≤ index < ${this.length})`);
    return this.window(index * this.blockSize);
  }

  /** The window starting at token `offset`. */
  window(offset: number): LMWindow {
    const T = this.blockSize;
    const x = new Int32Array(T);
    const y = new Int32Array(T);
    for (let t = 0; t < T; t++) {
      x[t] = this.tokens[offset + t];
      y[t] = this.tokens[offset + t + 1];
    }
    return { x, y };
  }

  /** `batchSize` windows at uniformly random offsets in [0, n - blockSize - 1], drawn from `generator`. */
  sampleBatch(batchSize: number, generator: RandomGenerator = defaultGenerator): LMBatch {
    return this.batchAt(this.sampleOffsets(batchSize, generator));
  }

  /** Start positions of `batchSize` random windows, drawn as nanoGPT's `torch.randint(len(data) - block_size, (batch_size,))`. */
  sampleOffsets(batchSize: number, generator: RandomGenerator = defaultGenerator): number[] {
    const high = this.tokens.length - this.blockSize;
    return Array.from({ length: batchSize }, () => generator.randint(0, high));
  }

  /** The windows starting at these positions, stacked: x (B, T) and y (B, T) shifted by one. */
  batchAt(offsets: readonly number[]): LMBatch {
    const T = this.blockSize;
    const x = new Int32Array(offsets.length * T);
    const y = new Int32Array(offsets.length * T);
    offsets.forEach((offset, b) => {
      const w = this.window(offset);
      x.set(w.x, b * T);
      y.set(w.y, b * T);
    });
    return { x: tensor(x, { shape: [offsets.length, T] }), y: tensor(y, { shape: [offsets.length, T] }) };
  }

  /** Every non-overlapping window in order, `batchSize` at a time (the last batch may be smaller). */
  *sequentialBatches(batchSize: number): Generator<LMBatch> {
    for (let start = 0; start < this.length; start += batchSize) {
      const items: LMWindow[] = [];
      for (let i = start; i < Math.min(start + batchSize, this.length); i++) items.push(this.get(i));
      yield stackWindows(items);
    }
  }
}

/** Stacks windows into [B, T] tensors (the collate function of language modelling). */
export function stackWindows(items: LMWindow[]): LMBatch {
  const T = items[0]?.x.length ?? 0;
  const x = new Int32Array(items.length * T);
  const y = new Int32Array(items.length * T);
  items.forEach((w, b) => {
    if (w.x.length !== T) fail('ShapeMismatch', `stackWindows: window ${b} has ${w.x.length} tokens, expected ${T}`);
    x.set(w.x, b * T);
    y.set(w.y, b * T);
  });
  return { x: tensor(x, { shape: [items.length, T] }), y: tensor(y, { shape: [items.length, T] }) };
}
