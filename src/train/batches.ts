import { fail } from '../errors.js';
import { type BatchSource, evalBatch, isSplitSource, type Split } from './types.js';

/** Where the training data stands: the epoch, the batches used in it, and the source's own state. */
export interface BatchPosition {
  epoch: number;
  batchesInEpoch: number;
  source?: unknown;
}

/** An iterator that is not re-iterable (a generator object, a bare iterator): it gives one pass only. */
function isOneShot<B>(source: BatchSource<B>): source is Iterator<B> {
  if (typeof (source as Iterator<B>).next !== 'function') return false;
  const iterate = (source as Partial<Iterable<B>>)[Symbol.iterator];
  return typeof iterate !== 'function' || iterate.call(source) === source;
}

/** A source's state accessors: `stateDict()`/`loadStateDict()`, or `state()`/`loadState()` (lmkit's DataLoader). */
function stateAccessors(source: unknown): { get: () => unknown; set: (s: unknown) => void } | null {
  const s = source as Record<string, unknown>;
  for (const [get, set] of [['stateDict', 'loadStateDict'], ['state', 'loadState']]) {
    if (typeof s[get] === 'function' && typeof s[set] === 'function') {
      return { get: () => (s[get] as () => unknown)(), set: (v) => (s[set] as (v: unknown) => void)(v) };
    }
  }
  return null;
}

/**
 * The training batches in order, epoch after epoch, with a position that checkpoints save. A source
 * without its own state is resumed by skipping the batches already used in the current epoch.
 */
export class TrainBatches<B> {
  epoch = 0;
  batchesInEpoch = 0;
  private iterator: Iterator<B> | null = null;
  private skip = 0;

  constructor(readonly source: BatchSource<B>, private readonly maxEpochs?: number) {}

  /** The next batch; done once `maxEpochs` epochs are over or a one-shot iterator has run out. */
  next(): IteratorResult<B, undefined> {
    const src = this.source;
    if (isSplitSource<B>(src)) {
      this.batchesInEpoch++;
      return { done: false, value: src.nextBatch('train') };
    }
    for (;;) {
      if (this.maxEpochs !== undefined && this.epoch >= this.maxEpochs) return { done: true, value: undefined };
      if (!this.iterator) {
        this.iterator = isOneShot(src) ? src : (src as Iterable<B>)[Symbol.iterator]();
        for (; this.skip > 0; this.skip--) {
          if (this.iterator.next().done) fail('InvalidArgument', `resume: the training data ended while skipping to batch ${this.batchesInEpoch} of epoch ${this.epoch}`);
        }
      }
      const r = this.iterator.next();
      if (!r.done) {
        this.batchesInEpoch++;
        return r;
      }
      if (isOneShot(src)) return { done: true, value: undefined };
      if (this.batchesInEpoch === 0) fail('InvalidArgument', `the training data yielded no batches in epoch ${this.epoch}`);
      this.epoch++;
      this.batchesInEpoch = 0;
      this.iterator = null;
    }
  }

  stateDict(): BatchPosition {
    const pos: BatchPosition = { epoch: this.epoch, batchesInEpoch: this.batchesInEpoch };
    const state = stateAccessors(this.source);
    if (state) pos.source = state.get();
    return pos;
  }

  loadStateDict(pos: BatchPosition): void {
    if (!pos || !Number.isInteger(pos.epoch) || !Number.isInteger(pos.batchesInEpoch)) {
      fail('StateDictMismatch', `resume: expected a data position {epoch, batchesInEpoch}, got ${JSON.stringify(pos)}`);
    }
    this.epoch = pos.epoch;
    this.batchesInEpoch = pos.batchesInEpoch;
    this.iterator = null;
    const state = stateAccessors(this.source);
    if (state && pos.source !== undefined) {
      state.set(pos.source);
      this.skip = 0;
    } else {
      this.skip = isSplitSource(this.source) ? 0 : pos.batchesInEpoch;
    }
  }
}

/**
 * Up to `count` batches for estimating a loss: fresh from an iterable each time, drawn from a `nextBatch`
 * source's `split` (the validation split unless told).
 */
export function* validationBatches<B>(source: BatchSource<B>, count: number, split: Split = 'val'): Generator<B> {
  if (isSplitSource<B>(source)) {
    if (!Number.isFinite(count)) fail('InvalidArgument', `evalIters must be set when evaluation batches come from nextBatch("${split}")`);
    for (let i = 0; i < count; i++) yield evalBatch(source, split);
    return;
  }
  const it = isOneShot(source) ? source : (source as Iterable<B>)[Symbol.iterator]();
  for (let i = 0; i < count; i++) {
    const r = it.next();
    if (r.done) return;
    yield r.value;
  }
}
