import '../autograd/index.js';
import { noGrad } from '../autograd/graph.js';
import { fail, LmkitError } from '../errors.js';
import { clipGradNorm } from '../optim/clip.js';
import type { LRScheduler } from '../optim/lr_scheduler.js';
import type { BaseHyperParams, Optimizer } from '../optim/optimizer.js';
import { defaultGenerator, type Generator, manualSeed } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { TrainBatches, validationBatches } from './batches.js';
import type { Callback } from './callbacks.js';
import { checkpointBytes, CHECKPOINT_FORMAT, loadCheckpoint, type TrainingState, writeCheckpointFiles } from './checkpoint.js';
import { MetricsWriter } from './metrics.js';
import { writeLossPlot } from './plot.js';
import { createProgress, type ProgressMode, type ProgressReporter } from './progress.js';
import { type BatchSource, isSplitSource, type LossFn, type SelfSupervisedModel, type Split, type StepMetrics,
  type TrainableModel } from './types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyOptimizer = Optimizer<any>;

export interface TrainerOptions<M extends TrainableModel = TrainableModel, B = unknown> {
  /** The optimizer, or a function that makes one for the model. */
  optimizer: AnyOptimizer | ((model: M) => AnyOptimizer);
  /** A learning-rate schedule stepped after every optimizer step, or a function that makes one. */
  scheduler?: LRScheduler | ((optimizer: AnyOptimizer) => LRScheduler);
  /** The loss of a batch; without it the model's `trainingStep`/`validationStep` is used. */
  lossFn?: LossFn<M, B>;
  /** Stop after this many optimizer steps. */
  maxSteps?: number;
  /** Stop after this many passes over iterable training data (default 1 when nothing else limits training). */
  maxEpochs?: number;
  /** Stop once this many seconds of training have passed (counted across resumes). */
  maxTime?: number;
  /** Micro-batches whose gradients add up to one optimizer step (each loss is divided by it). Default: 1. */
  gradAccumSteps?: number;
  /** Clip the gradients' total 2-norm to this before each step (0: no clipping). Default: 0. */
  gradClip?: number;
  /** Validate every this many steps (0: only at the end). Default: 0. */
  evalInterval?: number;
  /** Batches per validation, whose mean loss is the validation loss. Default: all of an iterable; a nextBatch source needs it (and validates only with it). */
  evalIters?: number;
  /**
   * More validation metrics, per batch (e.g. `{ val_accuracy: 0.9 }`); each is averaged over the
   * validation batches into the metrics row, where ModelCheckpoint and EarlyStopping can monitor it.
   */
  evalMetrics?: (model: M, batch: B) => Record<string, number>;
  /** Validate after the last step as well. Default: true. */
  evalAtEnd?: boolean;
  /** Validate once before the first step too (step 0, as nanoGPT does). Default: false. */
  evalAtStart?: boolean;
  /**
   * At each validation, first estimate the training loss as well: the mean over `evalIters` batches drawn
   * from a `nextBatch` training source (nanoGPT's estimate_loss), recorded as `train_eval_loss`. Default: false.
   */
  evalTrainLoss?: boolean;
  /** Seeds the global generator when training starts (not on resume, which restores it). */
  seed?: number;
  /** What a NaN or infinite training loss does: 'error' stops training naming the step; 'skip' drops the batch and counts it. Default: 'error'. */
  nonFiniteLoss?: 'error' | 'skip';
  callbacks?: Callback[];
  /** Generators besides the global one whose state checkpoints save (dropout's, a sampler's, ...). */
  generators?: Generator[];
  /** A checkpoint file to resume from. */
  resumeFrom?: string;
  /** 'auto': a bar on a terminal, log lines when not a TTY or under CI. Default: 'auto'. */
  progress?: ProgressMode;
  /** Steps between log lines. Default: 10. */
  logInterval?: number;
  /** A JSON-lines file for the metrics of every step. */
  metricsFile?: string;
  /** An SVG file for the loss curve, rewritten at each validation and at the end. */
  plotFile?: string;
  /**
   * Ctrl-C (SIGINT) stops training cleanly after the current step (callbacks' onTrainEnd runs, so
   * ModelCheckpoint saves `last`); a second Ctrl-C exits at once. Default: false.
   */
  stopOnInterrupt?: boolean;
  /** Tokens in a batch, for tokens/s. Default: the size of the batch's first tensor. */
  tokensPerBatch?: (batch: B) => number;
}

function defaultTokens(batch: unknown): number {
  if (batch instanceof Tensor) return batch.size;
  if (Array.isArray(batch)) return batch[0] instanceof Tensor ? batch[0].size : 0;
  if (batch && typeof batch === 'object') {
    for (const v of Object.values(batch)) if (v instanceof Tensor) return v.size;
  }
  return 0;
}

function positiveInt(field: string, v: number | undefined, min = 1): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min)) fail('InvalidArgument', `Trainer: ${field} must be an integer >= ${min}, got ${v}`);
}

/**
 * A model-agnostic training loop (minGPT's Trainer with Lightning's conveniences):
 *
 *   const trainer = new Trainer({ optimizer: (m) => new AdamW(m.parameters(), { lr: 1e-3 }), maxSteps: 2000,
 *     gradClip: 1, evalInterval: 250, evalIters: 20, callbacks: [new ModelCheckpoint({ dirpath: 'out' })] });
 *   await trainer.fit(model, data);          // data.nextBatch('train' | 'val'), or iterables of batches
 *
 * Each step: zero the gradients, for each of `gradAccumSteps` micro-batches add the gradient of
 * loss / gradAccumSteps, clip, `optimizer.step()`, `scheduler.step()`. Checkpoints (ModelCheckpoint or
 * `saveCheckpoint`) hold the model, optimizer, schedule, random generators, data position, step and
 * callback states, so a resumed run continues bitwise as if it had not stopped.
 */
export class Trainer<M extends TrainableModel = TrainableModel, B = unknown> {
  readonly options: TrainerOptions<M, B>;
  /** Optimizer steps done. */
  step = 0;
  /** Seconds of training so far (across resumes). */
  elapsed = 0;
  /** Micro-batches skipped for a non-finite loss (with nonFiniteLoss: 'skip'). */
  skippedBatches = 0;
  /** Every step's metrics (validation loss on the rows that evaluated). */
  history: StepMetrics[] = [];
  /** Why training stopped, once it has. */
  stopReason: string | null = null;
  private stopRequested = false;
  private modelRef: M | null = null;
  private optimizerRef: AnyOptimizer | null = null;
  private schedulerRef: LRScheduler | null = null;
  private batches: TrainBatches<B> | null = null;
  private progress: ProgressReporter | null = null;

  constructor(options: TrainerOptions<M, B>) {
    this.options = options;
    positiveInt('maxSteps', options.maxSteps, 0);
    positiveInt('maxEpochs', options.maxEpochs, 0);
    positiveInt('gradAccumSteps', options.gradAccumSteps);
    positiveInt('evalInterval', options.evalInterval, 0);
    positiveInt('logInterval', options.logInterval);
    if (options.evalIters !== undefined && options.evalIters !== Infinity) positiveInt('evalIters', options.evalIters);
    if (options.maxTime !== undefined && !(options.maxTime > 0)) fail('InvalidArgument', `Trainer: maxTime must be > 0 seconds, got ${options.maxTime}`);
    if (options.gradClip !== undefined && !(options.gradClip >= 0)) fail('InvalidArgument', `Trainer: gradClip must be >= 0, got ${options.gradClip}`);
  }

  get model(): M {
    return this.modelRef ?? fail('InvalidArgument', 'Trainer: no model yet (call fit first)');
  }

  get optimizer(): AnyOptimizer {
    return this.optimizerRef ?? fail('InvalidArgument', 'Trainer: no optimizer yet (call fit first)');
  }

  get scheduler(): LRScheduler | null {
    return this.schedulerRef;
  }

  /** Completed epochs of the training data. */
  get epoch(): number {
    return this.batches?.epoch ?? 0;
  }

  /** Asks training to stop after the current step (callbacks, a SIGINT handler). */
  stop(reason = 'stopped'): void {
    this.stopRequested = true;
    this.stopReason ??= reason;
  }

  /** Writes a checkpoint of the current state to each of `paths` (atomically) and tells the callbacks. */
  async saveCheckpoint(paths: string | string[]): Promise<void> {
    const list = typeof paths === 'string' ? [paths] : paths;
    writeCheckpointFiles(checkpointBytes(this.model.stateDict(), this.optimizer.stateDict(), this.trainingState()), list);
    for (const cb of this.callbacks()) await cb.onCheckpoint?.(this, list);
  }

  /**
   * Trains `model` on `trainData` and validates on `valData` (or on `trainData.nextBatch('val')` when the
   * training data is such a source). Each call starts counting at step 0 unless `resumeFrom` is set.
   * Resolves with the metrics history.
   */
  async fit(model: M, trainData: BatchSource<B>, valData?: BatchSource<B>): Promise<StepMetrics[]> {
    const o = this.options;
    const accum = o.gradAccumSteps ?? 1;
    let maxEpochs = o.maxEpochs;
    if (isSplitSource(trainData)) {
      if (o.maxSteps === undefined && o.maxTime === undefined) fail('InvalidArgument', 'Trainer: nextBatch data never runs out; set maxSteps or maxTime');
      maxEpochs = undefined;
    } else if (o.maxSteps === undefined && o.maxTime === undefined) {
      maxEpochs ??= 1;
    }
    // A nextBatch source validates through nextBatch('val') when evalIters says how many batches to draw.
    const val = valData ?? (isSplitSource(trainData) && o.evalIters !== undefined ? trainData : undefined);
    if (val && isSplitSource(val) && !Number.isFinite(o.evalIters ?? Infinity)) {
      fail('InvalidArgument', 'Trainer: set evalIters, the number of batches a validation draws from nextBatch("val")');
    }
    this.modelRef = model;
    this.optimizerRef = typeof o.optimizer === 'function' ? o.optimizer(model) : o.optimizer;
    this.schedulerRef = o.scheduler === undefined ? null : typeof o.scheduler === 'function' ? o.scheduler(this.optimizerRef) : o.scheduler;
    this.batches = new TrainBatches(trainData, maxEpochs);
    this.stopRequested = false;
    this.stopReason = null;
    this.step = 0;
    this.elapsed = 0;
    this.skippedBatches = 0;
    this.history = [];
    if (o.resumeFrom) this.restore(o.resumeFrom);
    else if (o.seed !== undefined) manualSeed(o.seed);

    const params = model.parameters().filter((p) => p.requiresGrad);
    const totalSteps = o.maxSteps ?? (Array.isArray(trainData) && maxEpochs !== undefined ? Math.ceil((trainData.length * maxEpochs) / accum) : undefined);
    const metrics = o.metricsFile ? new MetricsWriter(o.metricsFile, this.history) : null;
    const progress = (this.progress = createProgress(o.progress ?? 'auto', { logInterval: o.logInterval ?? 10, totalSteps }));
    const startedAt = performance.now();
    const elapsedBefore = this.elapsed;
    const clock = () => elapsedBefore + (performance.now() - startedAt) / 1000;
    let pending: StepMetrics | null = null;
    let lastEvalStep = -1;
    const flush = () => {
      if (pending && metrics) metrics.write(pending);
      pending = null;
    };

    const onInterrupt = () => {
      if (this.stopRequested) process.exit(130);
      progress.message('interrupted: stopping after this step (Ctrl-C again to quit at once)');
      this.stop('interrupted (SIGINT)');
    };
    if (o.stopOnInterrupt) process.on('SIGINT', onInterrupt);
    progress.start(this.step, totalSteps);
    try {
      for (const cb of this.callbacks()) await cb.onTrainStart?.(this);
      model.train();
      if (val && o.evalAtStart && this.step === 0) {
        const row: StepMetrics = {
          step: 0, epoch: 0, train_loss: NaN, lr: (this.optimizer.paramGroups[0] as BaseHyperParams).lr, tokens_per_s: 0, elapsed: 0,
        };
        await this.validate(row, val);
        this.history.push(row);
        pending = row;
        lastEvalStep = 0;
      }
      for (;;) {
        if (this.stopRequested) break;
        if (o.maxSteps !== undefined && this.step >= o.maxSteps) {
          this.stopReason = `reached maxSteps (${o.maxSteps})`;
          break;
        }
        if (o.maxTime !== undefined && clock() >= o.maxTime) {
          this.stopReason = `reached maxTime (${o.maxTime} s)`;
          break;
        }
        const stepStart = clock();
        const result = this.trainStep(params, accum);
        if (!result) {
          this.stopReason = `reached maxEpochs (${maxEpochs})`;
          break;
        }
        flush();
        this.elapsed = clock();
        const row: StepMetrics = {
          step: this.step, epoch: this.epoch, train_loss: result.loss, lr: result.lr,
          tokens_per_s: result.tokens / Math.max(this.elapsed - stepStart, 1e-9), elapsed: this.elapsed,
        };
        if (result.gradNorm !== undefined) row.grad_norm = result.gradNorm;
        this.history.push(row);
        pending = row;
        progress.step(row);
        for (const cb of this.callbacks()) await cb.onStepEnd?.(this, row);
        const last = (o.maxSteps !== undefined && this.step >= o.maxSteps) || (o.maxTime !== undefined && this.elapsed >= o.maxTime)
          || this.stopRequested;
        if (val && ((o.evalInterval && this.step % o.evalInterval === 0) || (last && (o.evalAtEnd ?? true)))) {
          await this.validate(row, val);
          lastEvalStep = this.step;
        }
        // Let signal handlers (Ctrl-C) and timers run between steps.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (val && pending && lastEvalStep !== this.step && (o.evalAtEnd ?? true)) await this.validate(pending, val);
      flush();
      this.stopReason ??= 'stopped';
      if (o.plotFile) writeLossPlot(o.plotFile, this.history);
      for (const cb of this.callbacks()) await cb.onTrainEnd?.(this);
    } finally {
      if (o.stopOnInterrupt) process.off('SIGINT', onInterrupt);
      progress.stop();
      flush();
      metrics?.close();
      this.progress = null;
    }
    return this.history;
  }

  /** One optimizer step over `accum` micro-batches; null when the training data has run out first. */
  private trainStep(params: Tensor[], accum: number): { loss: number; lr: number; tokens: number; gradNorm?: number } | null {
    const o = this.options;
    const optimizer = this.optimizer;
    const batches = this.batches as TrainBatches<B>;
    optimizer.zeroGrad();
    let lossSum = 0;
    let used = 0;
    let seen = 0;
    let tokens = 0;
    for (let micro = 0; micro < accum; micro++) {
      const next = batches.next();
      if (next.done) break;
      const batch = next.value;
      seen++;
      tokens += (o.tokensPerBatch ?? defaultTokens)(batch);
      const loss = this.lossOf(batch, 'train');
      const value = loss.item();
      if (!Number.isFinite(value)) {
        if ((o.nonFiniteLoss ?? 'error') === 'error') {
          throw new LmkitError('NonFiniteLoss', `Trainer: the training loss is ${value} at step ${this.step + 1} `
            + `(epoch ${batches.epoch}, batch ${batches.batchesInEpoch}); lower the learning rate, or pass nonFiniteLoss: 'skip' to drop such batches`);
        }
        this.skippedBatches++;
        this.progress?.message(`step ${this.step + 1}: skipped a batch whose loss is ${value} (${this.skippedBatches} so far)`);
        continue;
      }
      (accum === 1 ? loss : loss.div(accum)).backward();
      lossSum += value;
      used++;
    }
    if (seen === 0) return null;
    const lr = (optimizer.paramGroups[0] as BaseHyperParams).lr;
    let gradNorm: number | undefined;
    if (used > 0) {
      if (o.gradClip) gradNorm = clipGradNorm(params, o.gradClip);
      optimizer.step();
    }
    this.schedulerRef?.step();
    this.step++;
    return { loss: used > 0 ? lossSum / used : NaN, lr, tokens, gradNorm };
  }

  private lossOf(batch: B, split: Split): Tensor {
    const model = this.model;
    let loss: Tensor;
    if (this.options.lossFn) loss = this.options.lossFn(model, batch);
    else {
      const m = model as unknown as Partial<SelfSupervisedModel<B>>;
      if (split === 'val' && typeof m.validationStep === 'function') loss = m.validationStep(batch);
      else if (typeof m.trainingStep === 'function') loss = m.trainingStep(batch);
      else fail('InvalidArgument', 'Trainer: pass options.lossFn, or give the model a trainingStep(batch) method');
    }
    if (!(loss instanceof Tensor) || loss.size !== 1) {
      fail('InvalidArgument', `Trainer: the loss must be a one-element tensor, got ${loss instanceof Tensor ? `shape [${loss.shape.join(', ')}]` : typeof loss}`);
    }
    return loss;
  }

  /** Mean loss over the validation batches (evaluation mode, no graph); recorded in `row.val_loss`. */
  private async validate(row: StepMetrics, val: BatchSource<B>): Promise<void> {
    const model = this.model;
    model.eval();
    let sum = 0;
    let n = 0;
    const extra = new Map<string, number>();
    const evalMetrics = this.options.evalMetrics;
    try {
      noGrad(() => {
        if (this.options.evalTrainLoss) {
          const train = this.batches?.source;
          if (!isSplitSource<B>(train)) fail('InvalidArgument', 'Trainer: evalTrainLoss needs a nextBatch(split) training source');
          let trainSum = 0;
          let trainCount = 0;
          for (const batch of validationBatches(train, this.options.evalIters ?? Infinity, 'train')) {
            trainSum += this.lossOf(batch, 'val').item();
            trainCount++;
          }
          row.train_eval_loss = trainSum / trainCount;
          if (!Number.isFinite(row.train_loss)) row.train_loss = row.train_eval_loss;
        }
        for (const batch of validationBatches(val, this.options.evalIters ?? Infinity)) {
          sum += this.lossOf(batch, 'val').item();
          n++;
          if (evalMetrics) for (const [k, v] of Object.entries(evalMetrics(model, batch))) extra.set(k, (extra.get(k) ?? 0) + v);
        }
      });
    } finally {
      model.train();
    }
    if (n === 0) fail('InvalidArgument', 'Trainer: the validation data yielded no batches');
    row.val_loss = sum / n;
    for (const [k, total] of extra) row[k] = total / n;
    this.progress?.validation(row);
    if (this.options.plotFile) writeLossPlot(this.options.plotFile, this.history);
    for (const cb of this.callbacks()) await cb.onValidationEnd?.(this, row);
  }

  private callbacks(): Callback[] {
    return this.options.callbacks ?? [];
  }

  private callbackKeys(): string[] {
    const seen = new Map<string, number>();
    return this.callbacks().map((cb) => {
      const base = cb.key ?? cb.constructor.name;
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      return n === 0 ? base : `${base}#${n}`;
    });
  }

  private trainingState(): TrainingState {
    const callbacks: Record<string, unknown> = {};
    const keys = this.callbackKeys();
    this.callbacks().forEach((cb, i) => {
      if (cb.stateDict) callbacks[keys[i]] = cb.stateDict();
    });
    return {
      format: CHECKPOINT_FORMAT,
      version: 1,
      step: this.step,
      elapsed: this.elapsed,
      skippedBatches: this.skippedBatches,
      data: { train: (this.batches as TrainBatches<B>).stateDict() },
      scheduler: this.schedulerRef?.stateDict() ?? null,
      rng: { default: defaultGenerator.getState(), generators: (this.options.generators ?? []).map((g) => g.getState()) },
      callbacks,
      history: this.history,
    };
  }

  private restore(file: string): void {
    const ck = loadCheckpoint(file);
    const s = ck.state;
    this.model.loadStateDict(ck.model);
    this.optimizer.loadStateDict(ck.optimizer);
    if (this.schedulerRef) {
      if (!s.scheduler) fail('StateDictMismatch', `resume from ${file}: the trainer has a scheduler but the checkpoint has no scheduler state`);
      this.schedulerRef.loadStateDict(s.scheduler);
    }
    const gens = this.options.generators ?? [];
    if (s.rng.generators.length !== gens.length) {
      fail('StateDictMismatch', `resume from ${file}: expected ${gens.length} extra generators, got ${s.rng.generators.length}`);
    }
    try {
      defaultGenerator.setState(s.rng.default);
      gens.forEach((g, i) => g.setState(s.rng.generators[i]));
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      fail('StateDictMismatch', `resume from ${file}: its random-generator state is not lmkit's current (PyTorch-compatible) generator's; `
        + 'the checkpoint predates it (its weights still load with loadStateDict), so training cannot resume exactly');
    }
    (this.batches as TrainBatches<B>).loadStateDict(s.data.train);
    const keys = this.callbackKeys();
    this.callbacks().forEach((cb, i) => {
      if (cb.loadStateDict && s.callbacks[keys[i]] !== undefined) cb.loadStateDict(s.callbacks[keys[i]]);
    });
    this.step = s.step;
    this.elapsed = s.elapsed;
    this.skippedBatches = s.skippedBatches;
    this.history = s.history.map((r) => ({ ...r }));
  }
}
