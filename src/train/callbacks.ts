import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';
import type { Trainer } from './trainer.js';
import type { StepMetrics } from './types.js';

type Maybe<T> = T | Promise<T>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTrainer = Trainer<any, any>;

/**
 * Hooks into the training loop, called in the order the callbacks were given. A callback with
 * `stateDict()`/`loadStateDict()` has its state saved in checkpoints under `key` (default: its class name).
 */
export interface Callback {
  readonly key?: string;
  onTrainStart?(trainer: AnyTrainer): Maybe<void>;
  /** After each optimizer step (before validation). */
  onStepEnd?(trainer: AnyTrainer, metrics: StepMetrics): Maybe<void>;
  /** After each validation; `metrics.val_loss` is set. */
  onValidationEnd?(trainer: AnyTrainer, metrics: StepMetrics): Maybe<void>;
  /** After a checkpoint was written to `paths`. */
  onCheckpoint?(trainer: AnyTrainer, paths: string[]): Maybe<void>;
  /** Once, when training ends for any reason other than an error. */
  onTrainEnd?(trainer: AnyTrainer): Maybe<void>;
  stateDict?(): unknown;
  loadStateDict?(state: unknown): void;
}

export type Mode = 'min' | 'max';

function improves(value: number, best: number, mode: Mode, minDelta: number): boolean {
  return mode === 'min' ? value < best - minDelta : value > best + minDelta;
}

function checkMode(who: string, mode: string): void {
  if (mode !== 'min' && mode !== 'max') fail('InvalidArgument', `${who}: mode must be "min" or "max", got "${mode}"`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface ModelCheckpointOptions {
  /** Folder of the checkpoint files. */
  dirpath: string;
  /** The metric that ranks checkpoints. Default: 'val_loss'. */
  monitor?: string;
  /** Whether lower ('min') or higher ('max') is better. Default: 'min'. */
  mode?: Mode;
  /** How many of the best checkpoints to keep (0: none). Default: 1. */
  saveTopK?: number;
  /** Also keep `last.safetensors`, rewritten at each save and at the end. Default: true. */
  saveLast?: boolean;
  /** Also save `last` every N steps (0: only after validations and at the end). Default: 0. */
  everyNSteps?: number;
}

interface Ranked {
  file: string;
  score: number;
  step: number;
}

/**
 * Saves training checkpoints (Lightning's ModelCheckpoint): after each validation the best `saveTopK`
 * by `monitor` as `step=<step>-<monitor>=<value>.safetensors`, plus `last.safetensors`. Files are
 * written atomically, so a crash never leaves a broken checkpoint.
 */
export class ModelCheckpoint implements Callback {
  readonly key = 'ModelCheckpoint';
  readonly dirpath: string;
  readonly monitor: string;
  readonly mode: Mode;
  readonly saveTopK: number;
  readonly saveLast: boolean;
  readonly everyNSteps: number;
  /** The kept best checkpoints, best first. */
  best: Ranked[] = [];
  private lastSavedStep = -1;

  constructor(opts: ModelCheckpointOptions) {
    this.dirpath = opts.dirpath;
    this.monitor = opts.monitor ?? 'val_loss';
    this.mode = opts.mode ?? 'min';
    this.saveTopK = opts.saveTopK ?? 1;
    this.saveLast = opts.saveLast ?? true;
    this.everyNSteps = opts.everyNSteps ?? 0;
    checkMode('ModelCheckpoint', this.mode);
    if (!Number.isInteger(this.saveTopK) || this.saveTopK < 0) fail('InvalidArgument', `ModelCheckpoint: saveTopK must be an integer >= 0, got ${this.saveTopK}`);
  }

  get lastPath(): string {
    return path.join(this.dirpath, 'last.safetensors');
  }

  /** The best checkpoint's path, or null before the first validation. */
  get bestModelPath(): string | null {
    return this.best.length > 0 ? this.best[0].file : null;
  }

  /** Removes temporary files that a killed process left while writing a checkpoint here. */
  onTrainStart(): void {
    if (!fs.existsSync(this.dirpath)) return;
    for (const f of fs.readdirSync(this.dirpath)) {
      const m = /^\..+\.safetensors\.(\d+)\.[0-9a-f]+\.tmp$/.exec(f);
      if (m && !processAlive(Number(m[1]))) fs.rmSync(path.join(this.dirpath, f), { force: true });
    }
  }

  async onStepEnd(trainer: AnyTrainer, metrics: StepMetrics): Promise<void> {
    if (this.everyNSteps > 0 && this.saveLast && metrics.step % this.everyNSteps === 0) await this.save(trainer, []);
  }

  async onValidationEnd(trainer: AnyTrainer, metrics: StepMetrics): Promise<void> {
    const score = metrics[this.monitor];
    if (this.saveTopK > 0 && typeof score !== 'number') {
      fail('InvalidArgument', `ModelCheckpoint: monitor "${this.monitor}" is not among the validation metrics (${Object.keys(metrics).join(', ')})`);
    }
    const extra: string[] = [];
    let dropped: Ranked[] = [];
    if (this.saveTopK > 0 && typeof score === 'number' && !Number.isNaN(score)) {
      const worst = this.best[this.best.length - 1];
      if (this.best.length < this.saveTopK || improves(score, worst.score, this.mode, 0)) {
        const file = path.join(this.dirpath, `step=${String(metrics.step).padStart(6, '0')}-${this.monitor}=${score.toFixed(4)}.safetensors`);
        const ranked = [...this.best.filter((r) => r.file !== file), { file, score, step: metrics.step }];
        ranked.sort((a, b) => (this.mode === 'min' ? a.score - b.score : b.score - a.score) || a.step - b.step);
        dropped = ranked.slice(this.saveTopK);
        this.best = ranked.slice(0, this.saveTopK);
        extra.push(file);
      }
    }
    if (extra.length > 0 || this.saveLast) await this.save(trainer, extra);
    for (const r of dropped) fs.rmSync(r.file, { force: true });
  }

  async onTrainEnd(trainer: AnyTrainer): Promise<void> {
    if (this.saveLast && this.lastSavedStep !== trainer.step) await this.save(trainer, []);
  }

  private async save(trainer: AnyTrainer, extra: string[]): Promise<void> {
    const paths = this.saveLast ? [...extra, this.lastPath] : extra;
    if (paths.length === 0) return;
    this.lastSavedStep = trainer.step;
    await trainer.saveCheckpoint(paths);
  }

  stateDict(): unknown {
    return { best: this.best, lastSavedStep: this.lastSavedStep };
  }

  loadStateDict(state: unknown): void {
    const s = state as { best: Ranked[]; lastSavedStep: number };
    this.best = s.best.map((r) => ({ ...r }));
    this.lastSavedStep = s.lastSavedStep;
  }
}

export interface EarlyStoppingOptions {
  /** The metric to watch. Default: 'val_loss'. */
  monitor?: string;
  /** Validations without improvement before stopping. Default: 3. */
  patience?: number;
  /** The smallest change that counts as an improvement. Default: 0. */
  minDelta?: number;
  /** Whether lower ('min') or higher ('max') is better. Default: 'min'. */
  mode?: Mode;
}

/** Stops training once `monitor` has not improved by more than `minDelta` for `patience` validations. */
export class EarlyStopping implements Callback {
  readonly key = 'EarlyStopping';
  readonly monitor: string;
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: Mode;
  best: number;
  /** Validations since the last improvement. */
  wait = 0;
  /** The step at which it stopped training, or null. */
  stoppedStep: number | null = null;

  constructor(opts: EarlyStoppingOptions = {}) {
    this.monitor = opts.monitor ?? 'val_loss';
    this.patience = opts.patience ?? 3;
    this.minDelta = Math.abs(opts.minDelta ?? 0);
    this.mode = opts.mode ?? 'min';
    checkMode('EarlyStopping', this.mode);
    if (!Number.isInteger(this.patience) || this.patience < 1) fail('InvalidArgument', `EarlyStopping: patience must be an integer >= 1, got ${this.patience}`);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  onValidationEnd(trainer: AnyTrainer, metrics: StepMetrics): void {
    const value = metrics[this.monitor];
    if (typeof value !== 'number') {
      fail('InvalidArgument', `EarlyStopping: monitor "${this.monitor}" is not among the validation metrics (${Object.keys(metrics).join(', ')})`);
    }
    if (improves(value, this.best, this.mode, this.minDelta)) {
      this.best = value;
      this.wait = 0;
      return;
    }
    this.wait++;
    if (this.wait >= this.patience) {
      this.stoppedStep = metrics.step;
      trainer.stop(`early stopping: ${this.monitor} did not improve for ${this.patience} validations (best ${this.best})`);
    }
  }

  stateDict(): unknown {
    return { best: this.best, wait: this.wait };
  }

  loadStateDict(state: unknown): void {
    const s = state as { best: number | null; wait: number };
    this.best = s.best ?? (this.mode === 'min' ? Infinity : -Infinity);
    this.wait = s.wait;
  }
}
