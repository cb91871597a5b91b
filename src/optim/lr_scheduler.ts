import { fail } from '../errors.js';
import type { BaseHyperParams, Optimizer } from './optimizer.js';

/** A scheduler's state: the step count, the groups' base learning rates and the schedule's settings. */
export interface SchedulerStateDict {
  last_step: number;
  base_lrs: number[];
  [setting: string]: unknown;
}

/**
 * Base of the learning-rate schedules (torch.optim.lr_scheduler). Each schedule is a closed-form function
 * of the step count, so the rate set for optimizer step t (0-based) is `lrAt(t, baseLr)`. Construction sets
 * the rate of step 0; call `step()` after each `optimizer.step()`.
 */
export abstract class LRScheduler {
  readonly optimizer: Optimizer<BaseHyperParams>;
  /** Each group's learning rate when the scheduler was made. */
  baseLrs: number[];
  /** How many times `step()` has been called. */
  lastStep = 0;

  constructor(optimizer: Optimizer<BaseHyperParams>) {
    this.optimizer = optimizer;
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
  }

  /** The learning rate of step `step` for a group whose base rate is `baseLr`. */
  abstract lrAt(step: number, baseLr: number, group: number): number;

  /** Settings saved with the state (numbers, strings, arrays). */
  protected settings(): Record<string, unknown> {
    return {};
  }

  /** Writes the rates of the current step into the optimizer's groups. */
  protected apply(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = this.lrAt(this.lastStep, this.baseLrs[i], i);
    });
  }

  /** Advances one step and updates the optimizer's learning rates. */
  step(): void {
    this.lastStep++;
    this.apply();
  }

  /** The learning rates now in the optimizer, one per group. */
  getLastLr(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  stateDict(): SchedulerStateDict {
    return { ...this.settings(), last_step: this.lastStep, base_lrs: this.baseLrs.slice() };
  }

  loadStateDict(sd: SchedulerStateDict): void {
    const name = this.constructor.name;
    if (!sd || !Number.isInteger(sd.last_step) || !Array.isArray(sd.base_lrs)) {
      fail('StateDictMismatch', `${name}.loadStateDict: expected {last_step, base_lrs}, got ${JSON.stringify(sd)?.slice(0, 80)}`);
    }
    if (sd.base_lrs.length !== this.optimizer.paramGroups.length) {
      fail('StateDictMismatch', `${name}.loadStateDict: expected ${this.optimizer.paramGroups.length} base_lrs, got ${sd.base_lrs.length}`);
    }
    const mine = this.settings();
    for (const [k, v] of Object.entries(mine)) {
      if (k in sd && JSON.stringify(sd[k]) !== JSON.stringify(v)) {
        fail('StateDictMismatch', `${name}.loadStateDict: ${k} expected ${JSON.stringify(v)}, got ${JSON.stringify(sd[k])}`);
      }
    }
    this.lastStep = sd.last_step;
    this.baseLrs = sd.base_lrs.slice();
    this.apply();
  }
}

function positiveInt(name: string, field: string, v: number): void {
  if (!Number.isInteger(v) || v <= 0) fail('InvalidArgument', `${name}: ${field} must be a positive integer, got ${v}`);
}

/** lr = baseLr · γ^⌊t / stepSize⌋ (torch's StepLR). */
export class StepLR extends LRScheduler {
  readonly stepSize: number;
  readonly gamma: number;

  /** @param opts.stepSize steps between decays; @param opts.gamma decay factor (default 0.1) */
  constructor(optimizer: Optimizer<BaseHyperParams>, opts: { stepSize: number; gamma?: number }) {
    super(optimizer);
    positiveInt('StepLR', 'stepSize', opts.stepSize);
    this.stepSize = opts.stepSize;
    this.gamma = opts.gamma ?? 0.1;
    this.apply();
  }

  lrAt(step: number, baseLr: number): number {
    return baseLr * Math.pow(this.gamma, Math.floor(step / this.stepSize));
  }

  protected override settings(): Record<string, unknown> {
    return { step_size: this.stepSize, gamma: this.gamma };
  }
}

/** lr = baseLr · λ(t), with one λ for all groups or one per group (torch's LambdaLR; λ is not saved). */
export class LambdaLR extends LRScheduler {
  private readonly lambdas: ((step: number) => number)[];

  constructor(optimizer: Optimizer<BaseHyperParams>, lrLambda: ((step: number) => number) | ((step: number) => number)[]) {
    super(optimizer);
    const n = optimizer.paramGroups.length;
    if (Array.isArray(lrLambda) && lrLambda.length !== n) {
      fail('InvalidArgument', `LambdaLR: expected ${n} lambdas (one per group), got ${lrLambda.length}`);
    }
    this.lambdas = Array.isArray(lrLambda) ? lrLambda : new Array(n).fill(lrLambda);
    this.apply();
  }

  lrAt(step: number, baseLr: number, group: number): number {
    return baseLr * this.lambdas[group](step);
  }
}

/**
 * lr = baseLr · (s + (e − s) · min(t, T) / T): a linear ramp of the factor from `startFactor` s to
 * `endFactor` e over `totalIters` T steps, constant after (torch's LinearLR; for a linear decay to zero
 * use startFactor 1, endFactor 0).
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: Optimizer<BaseHyperParams>, opts: { startFactor?: number; endFactor?: number; totalIters?: number } = {}) {
    super(optimizer);
    this.startFactor = opts.startFactor ?? 1 / 3;
    this.endFactor = opts.endFactor ?? 1;
    this.totalIters = opts.totalIters ?? 5;
    positiveInt('LinearLR', 'totalIters', this.totalIters);
    if (!(this.startFactor > 0 && this.startFactor <= 1)) {
      fail('InvalidArgument', `LinearLR: startFactor must be in (0, 1], got ${this.startFactor}`);
    }
    if (!(this.endFactor >= 0 && this.endFactor <= 1)) {
      fail('InvalidArgument', `LinearLR: endFactor must be in [0, 1], got ${this.endFactor}`);
    }
    this.apply();
  }

  lrAt(step: number, baseLr: number): number {
    const frac = Math.min(step, this.totalIters) / this.totalIters;
    return baseLr * (this.startFactor + (this.endFactor - this.startFactor) * frac);
  }

  protected override settings(): Record<string, unknown> {
    return { start_factor: this.startFactor, end_factor: this.endFactor, total_iters: this.totalIters };
  }
}

/** lr = baseLr · γᵗ (torch's ExponentialLR). */
export class ExponentialLR extends LRScheduler {
  constructor(optimizer: Optimizer<BaseHyperParams>, readonly gamma: number) {
    super(optimizer);
    if (!(gamma > 0)) fail('InvalidArgument', `ExponentialLR: gamma must be > 0, got ${gamma}`);
    this.apply();
  }

  lrAt(step: number, baseLr: number): number {
    return baseLr * Math.pow(this.gamma, step);
  }

  protected override settings(): Record<string, unknown> {
    return { gamma: this.gamma };
  }
}

/**
 * lr = ηmin + (baseLr − ηmin) · ½(1 + cos(π · t / T)) for t ≤ T, ηmin after (torch's CosineAnnealingLR
 * without restarts, in closed form).
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly tMax: number;
  readonly etaMin: number;

  constructor(optimizer: Optimizer<BaseHyperParams>, opts: { tMax: number; etaMin?: number }) {
    super(optimizer);
    positiveInt('CosineAnnealingLR', 'tMax', opts.tMax);
    this.tMax = opts.tMax;
    this.etaMin = opts.etaMin ?? 0;
    this.apply();
  }

  lrAt(step: number, baseLr: number): number {
    if (step >= this.tMax) return this.etaMin;
    return this.etaMin + ((baseLr - this.etaMin) * (1 + Math.cos((Math.PI * step) / this.tMax))) / 2;
  }

  protected override settings(): Record<string, unknown> {
    return { t_max: this.tMax, eta_min: this.etaMin };
  }
}

export interface WarmupCosineOptions {
  /** Steps of linear warmup. */
  warmupSteps: number;
  /** The step at which the decay reaches `minLr`; the rate stays there after. */
  lrDecaySteps: number;
  /** The final learning rate. Default: 0. */
  minLr?: number;
  /** The shape of the decay. Default: 'cosine'. */
  decay?: 'cosine' | 'linear';
}

/**
 * nanoGPT's `get_lr(it)` for a peak rate `lr`:
 *   t < W:        lr · (t + 1) / (W + 1)
 *   t > D:        minLr
 *   otherwise:    minLr + c · (lr − minLr), c = ½(1 + cos(π · (t − W) / (D − W)))  (or 1 − ratio for 'linear')
 */
export function warmupCosineLr(step: number, lr: number, opts: WarmupCosineOptions): number {
  const { warmupSteps: w, lrDecaySteps: d } = opts;
  const minLr = opts.minLr ?? 0;
  if (step < w) return (lr * (step + 1)) / (w + 1);
  if (step > d) return minLr;
  const ratio = d === w ? 1 : (step - w) / (d - w);
  const coeff = opts.decay === 'linear' ? 1 - ratio : 0.5 * (1 + Math.cos(Math.PI * ratio));
  return minLr + coeff * (lr - minLr);
}

/** Linear warmup, then cosine (or linear) decay to `minLr`: nanoGPT's schedule (see `warmupCosineLr`). */
export class WarmupCosineLR extends LRScheduler {
  readonly opts: Required<WarmupCosineOptions>;

  constructor(optimizer: Optimizer<BaseHyperParams>, opts: WarmupCosineOptions) {
    super(optimizer);
    const { warmupSteps, lrDecaySteps } = opts;
    if (!Number.isInteger(warmupSteps) || warmupSteps < 0) {
      fail('InvalidArgument', `WarmupCosineLR: warmupSteps must be an integer >= 0, got ${warmupSteps}`);
    }
    if (!Number.isInteger(lrDecaySteps) || lrDecaySteps < warmupSteps) {
      fail('InvalidArgument', `WarmupCosineLR: lrDecaySteps must be an integer >= warmupSteps (${warmupSteps}), got ${lrDecaySteps}`);
    }
    this.opts = { warmupSteps, lrDecaySteps, minLr: opts.minLr ?? 0, decay: opts.decay ?? 'cosine' };
    this.apply();
  }

  lrAt(step: number, baseLr: number): number {
    return warmupCosineLr(step, baseLr, this.opts);
  }

  protected override settings(): Record<string, unknown> {
    const o = this.opts;
    return { warmup_steps: o.warmupSteps, lr_decay_steps: o.lrDecaySteps, min_lr: o.minLr, decay: o.decay };
  }
}
