import fs from 'node:fs';
import path from 'node:path';
import type { StepMetrics } from './types.js';

const ORDER = ['step', 'epoch', 'train_loss', 'val_loss', 'lr', 'tokens_per_s', 'elapsed', 'grad_norm'];

/** A metrics row as one JSON line, its fields in a fixed order (unknown ones last). */
export function metricsLine(row: StepMetrics): string {
  const out: Record<string, number> = {};
  for (const k of ORDER) if (row[k] !== undefined) out[k] = row[k] as number;
  for (const [k, v] of Object.entries(row)) if (!(k in out) && v !== undefined) out[k] = v;
  return JSON.stringify(out);
}

/** Appends metrics rows to a JSON-lines file (one object a line). */
export class MetricsWriter {
  private readonly fd: number;

  /** Starts the file anew with `history` (the rows of a resumed run), then appends. */
  constructor(readonly file: string, history: readonly StepMetrics[] = []) {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.fd = fs.openSync(file, 'w');
    for (const row of history) this.write(row);
  }

  write(row: StepMetrics): void {
    fs.writeSync(this.fd, `${metricsLine(row)}\n`);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}

/** Reads a metrics JSON-lines file back. */
export function readMetrics(file: string): StepMetrics[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as StepMetrics);
}
