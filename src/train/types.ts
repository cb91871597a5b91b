import type { Tensor } from '../tensor/tensor.js';

/**
 * What the Trainer needs of a model: nn's Module satisfies it, and so does any object with these methods
 * (the tests use a few plain tensors).
 */
export interface TrainableModel {
  parameters(): Tensor[];
  stateDict(): Map<string, Tensor>;
  loadStateDict(stateDict: Map<string, Tensor>, opts?: { strict?: boolean }): unknown;
  train(mode?: boolean): unknown;
  eval(): unknown;
}

/**
 * A LightningModule-like model that computes its own loss: `trainingStep` returns the scalar training
 * loss of a batch, `validationStep` (default: `trainingStep`) the validation loss.
 */
export interface SelfSupervisedModel<B> extends TrainableModel {
  trainingStep(batch: B): Tensor;
  validationStep?(batch: B): Tensor;
}

/** The loss of a batch as a scalar tensor (mean over its examples), e.g. `(m, [x, y]) => crossEntropy(m.call(x), y)`. */
export type LossFn<M, B> = (model: M, batch: B) => Tensor;

export type Split = 'train' | 'val';

/**
 * A data source that hands out batches on demand, nanoGPT-style (`get_batch(split)`), usually drawn at
 * random so it never runs out. `stateDict`/`loadStateDict`, when present, carry its position into
 * checkpoints.
 */
export interface SplitBatchSource<B> {
  nextBatch(split: Split): B;
  /**
   * A batch for estimating a loss (default: `nextBatch(split)`); a source that prefetches its training
   * batches, as nanoGPT does, draws evaluation batches here without disturbing the prefetched one.
   */
  evalBatch?(split: Split): B;
  stateDict?(): unknown;
  loadStateDict?(state: unknown): void;
}

/**
 * Batches for the Trainer: an iterable (re-iterated once per epoch, e.g. an array or a DataLoader), a
 * one-shot iterator, or a `nextBatch(split)` source. A source with `stateDict()`/`loadStateDict()` (or
 * `state()`/`loadState()`, as lmkit's DataLoader has) is trusted to resume itself: after loading, its
 * next iterator continues where the saved one stood. Without them the Trainer skips the batches already
 * used in the current epoch.
 */
export type BatchSource<B> = Iterable<B> | Iterator<B> | SplitBatchSource<B>;

/** One row of the training log (also a line of the metrics file). */
export interface StepMetrics {
  step: number;
  epoch: number;
  train_loss: number;
  lr: number;
  tokens_per_s: number;
  /** Seconds since training started (carried across resumes). */
  elapsed: number;
  /** Gradient norm before clipping, when clipping is on. */
  grad_norm?: number;
  /** Mean validation loss, on steps that evaluated. */
  val_loss?: number;
  [metric: string]: number | undefined;
}

/** A batch for estimating a loss: the source's evalBatch when it has one, else nextBatch. */
export function evalBatch<B>(source: SplitBatchSource<B>, split: Split): B {
  return source.evalBatch ? source.evalBatch(split) : source.nextBatch(split);
}

export function isSplitSource<B>(x: unknown): x is SplitBatchSource<B> {
  return typeof x === 'object' && x !== null && typeof (x as SplitBatchSource<B>).nextBatch === 'function';
}
