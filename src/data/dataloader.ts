import { fail } from '../errors.js';
import { Generator, type GeneratorState } from '../tensor/random.js';
import type { Dataset } from './dataset.js';

export interface DataLoaderOptions<T, B> {
  batchSize: number;
  /** Turns a list of items into a batch (padding, stacking). */
  collate: (items: T[]) => B;
  /** Shuffle each epoch with the loader's own seeded generator. Default false. */
  shuffle?: boolean;
  /** Seed of the loader's generator. Default 0. */
  seed?: number;
  /** Drop batches smaller than batchSize. Default false. */
  dropLast?: boolean;
  /**
   * Bucketing: an item's length. Items are grouped into pools of `batchSize * bucketPool`, sorted by
   * length within a pool and cut into batches (little padding); the batch order is then shuffled.
   */
  lengthOf?: (item: T) => number;
  /** Batches per bucketing pool. Default 50. */
  bucketPool?: number;
}

/** Where a loader stands: enough to resume the exact batch sequence from a checkpoint. */
export interface DataLoaderState {
  epoch: number;
  /** Batches already given out in this epoch. */
  position: number;
  /** The generator's state at the start of this epoch. */
  rng: GeneratorState;
}

/**
 * Batches a dataset, epoch after epoch, deterministically: the same seed gives the same batches, and
 * `state()`/`loadState()` resume mid-epoch exactly (the epoch's order is re-drawn from the saved
 * generator state).
 */
export class DataLoader<T, B> implements Iterable<B> {
  private readonly generator: Generator;
  private epochStart: GeneratorState;
  private plan: number[][] | null = null;
  private epochIndex = 0;
  private position = 0;

  constructor(
    readonly dataset: Dataset<T>,
    readonly opts: DataLoaderOptions<T, B>,
  ) {
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) fail('InvalidArgument', `DataLoader: batchSize must be a positive integer, got ${opts.batchSize}`);
    this.generator = new Generator(opts.seed ?? 0);
    this.epochStart = this.generator.getState();
  }

  get epoch(): number {
    return this.epochIndex;
  }

  /** Batches in one epoch. */
  get batchesPerEpoch(): number {
    return this.currentPlan().length;
  }

  private makePlan(): number[][] {
    const n = this.dataset.length;
    const { batchSize, shuffle, dropLast, lengthOf } = this.opts;
    const order = Array.from({ length: n }, (_, i) => i);
    if (shuffle) shuffleInPlace(order, this.generator);
    let batches: number[][] = [];
    if (lengthOf) {
      const pool = batchSize * (this.opts.bucketPool ?? 50);
      for (let p = 0; p < n; p += pool) {
        const group = order.slice(p, p + pool);
        const lens = new Map(group.map((i) => [i, lengthOf(this.dataset.get(i))]));
        group.sort((a, b) => lens.get(a)! - lens.get(b)! || a - b);
        for (let s = 0; s < group.length; s += batchSize) batches.push(group.slice(s, s + batchSize));
      }
      if (shuffle) shuffleInPlace(batches, this.generator);
    } else {
      for (let s = 0; s < n; s += batchSize) batches.push(order.slice(s, s + batchSize));
    }
    if (dropLast) batches = batches.filter((b) => b.length === batchSize);
    return batches;
  }

  private currentPlan(): number[][] {
    if (!this.plan) {
      this.epochStart = this.generator.getState();
      this.plan = this.makePlan();
    }
    return this.plan;
  }

  /** The next batch, starting a new epoch when the current one is done. */
  next(): B {
    let plan = this.currentPlan();
    if (this.position >= plan.length) {
      this.epochIndex++;
      this.position = 0;
      this.plan = null;
      plan = this.currentPlan();
      if (plan.length === 0) fail('InvalidArgument', 'DataLoader: an epoch has no batches (dataset empty, or dropLast with fewer items than batchSize)');
    }
    const indices = plan[this.position++];
    return this.opts.collate(indices.map((i) => this.dataset.get(i)));
  }

  /** The remaining batches of the current epoch; the next iteration starts the following epoch. */
  *[Symbol.iterator](): Iterator<B> {
    const plan = this.currentPlan();
    while (this.position < plan.length) yield this.next();
    this.epochIndex++;
    this.position = 0;
    this.plan = null;
  }

  state(): DataLoaderState {
    this.currentPlan();
    return { epoch: this.epochIndex, position: this.position, rng: { ...this.epochStart, mt: [...this.epochStart.mt] } };
  }

  loadState(state: DataLoaderState): void {
    this.generator.setState(state.rng);
    this.epochIndex = state.epoch;
    this.position = state.position;
    this.plan = null;
    this.currentPlan();
  }
}

/** Fisher–Yates shuffle drawing from `g`. */
export function shuffleInPlace<T>(a: T[], g: Generator): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = g.randint(0, i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}
