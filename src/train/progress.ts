import cliProgress from 'cli-progress';
import type { StepMetrics } from './types.js';

/** Shows training progress: a bar on a terminal, log lines elsewhere, or nothing. */
export interface ProgressReporter {
  start(startStep: number, totalSteps: number | undefined): void;
  step(metrics: StepMetrics): void;
  validation(metrics: StepMetrics): void;
  message(line: string): void;
  stop(): void;
}

export type ProgressMode = 'auto' | 'bar' | 'log' | 'none';

/** 75 → "1m15s", 3725 → "1h02m", 4.2 → "4s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function formatRate(tokensPerSecond: number): string {
  if (tokensPerSecond >= 1e6) return `${(tokensPerSecond / 1e6).toFixed(2)}M`;
  if (tokensPerSecond >= 1e4) return `${(tokensPerSecond / 1e3).toFixed(1)}k`;
  return tokensPerSecond.toFixed(0);
}

const formatLr = (lr: number) => lr.toExponential(2);

/** Smoothed seconds per step and tokens per second, for ETAs and display. */
class Speed {
  private secondsPerStep = 0;
  private tokensPerSecond = 0;
  private n = 0;

  update(m: StepMetrics, secondsThisStep: number): void {
    const a = this.n < 10 ? 1 / (this.n + 1) : 0.1;
    this.secondsPerStep += a * (secondsThisStep - this.secondsPerStep);
    this.tokensPerSecond += a * (m.tokens_per_s - this.tokensPerSecond);
    this.n++;
  }

  eta(step: number, total: number | undefined): number {
    return total === undefined ? NaN : (total - step) * this.secondsPerStep;
  }

  get tps(): number {
    return this.tokensPerSecond;
  }
}

/** One line every `logInterval` steps and one per validation, e.g. for CI logs or a file. */
export class LogProgress implements ProgressReporter {
  private total: number | undefined;
  private readonly speed = new Speed();
  private lastElapsed = 0;

  constructor(private readonly logInterval: number, private readonly write: (line: string) => void) {}

  start(startStep: number, totalSteps: number | undefined): void {
    this.total = totalSteps;
    const of = totalSteps === undefined ? '' : ` of ${totalSteps}`;
    this.write(startStep > 0 ? `resuming at step ${startStep}${of}` : `training${of ? ` for ${totalSteps} steps` : ''}`);
  }

  step(m: StepMetrics): void {
    this.speed.update(m, m.elapsed - this.lastElapsed);
    this.lastElapsed = m.elapsed;
    if (m.step % this.logInterval !== 0 && m.step !== this.total) return;
    const of = this.total === undefined ? '' : `/${this.total}`;
    const eta = this.total === undefined ? '' : ` | eta ${formatDuration(this.speed.eta(m.step, this.total))}`;
    this.write(`step ${m.step}${of} | loss ${m.train_loss.toFixed(4)} | lr ${formatLr(m.lr)} | ${formatRate(this.speed.tps)} tok/s | ${formatDuration(m.elapsed)}${eta}`);
  }

  validation(m: StepMetrics): void {
    this.write(`step ${m.step}: train loss ${(m.train_eval_loss ?? m.train_loss).toFixed(4)}, val loss ${(m.val_loss ?? NaN).toFixed(4)}`);
  }

  message(line: string): void {
    this.write(line);
  }

  stop(): void {}
}

/** A cli-progress bar with step, loss, lr, tokens/s and ETA (on stderr). */
export class BarProgress implements ProgressReporter {
  private bar: cliProgress.SingleBar | null = null;
  private readonly speed = new Speed();
  private lastElapsed = 0;
  private valLoss = '-';

  constructor(private readonly stream: NodeJS.WritableStream = process.stderr) {}

  start(startStep: number, totalSteps: number | undefined): void {
    this.bar = new cliProgress.SingleBar({
      format: 'train |{bar}| {value}/{total} | loss {loss} | val {val} | lr {lr} | {tps} tok/s | ETA {eta_formatted}',
      stream: this.stream,
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
    }, cliProgress.Presets.shades_classic);
    this.bar.start(totalSteps ?? 0, startStep, { loss: '-', val: '-', lr: '-', tps: '-' });
  }

  step(m: StepMetrics): void {
    this.speed.update(m, m.elapsed - this.lastElapsed);
    this.lastElapsed = m.elapsed;
    this.bar?.update(m.step, { loss: m.train_loss.toFixed(4), val: this.valLoss, lr: formatLr(m.lr), tps: formatRate(this.speed.tps) });
  }

  validation(m: StepMetrics): void {
    this.valLoss = (m.val_loss ?? NaN).toFixed(4);
    this.bar?.update({ val: this.valLoss });
  }

  message(line: string): void {
    this.stream.write(`\n${line}\n`);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

/** Reports nothing. */
export class NoProgress implements ProgressReporter {
  start(): void {}
  step(): void {}
  validation(): void {}
  message(): void {}
  stop(): void {}
}

/**
 * The reporter for `mode`: 'auto' is a bar when stderr is a terminal, CI is not set and the number of
 * steps is known, log lines otherwise ('bar' too falls back to lines when the number of steps is unknown).
 */
export function createProgress(mode: ProgressMode, opts: { logInterval: number; totalSteps?: number }): ProgressReporter {
  const ci = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
  const log = () => new LogProgress(opts.logInterval, (line) => process.stderr.write(`${line}\n`));
  switch (mode) {
    case 'none':
      return new NoProgress();
    case 'log':
      return log();
    case 'bar':
      return opts.totalSteps === undefined ? log() : new BarProgress();
    default:
      return process.stderr.isTTY && !ci && opts.totalSteps !== undefined ? new BarProgress() : log();
  }
}
