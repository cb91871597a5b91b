import { compareArrays } from '../testing/assert.js';
import type { Tensor } from '../tensor/tensor.js';
import type { CaseResult } from './registry.js';

export interface Tolerance {
  atol: number;
  rtol: number;
}

/** PyTorch fixture tolerances: forward values 1e-4 + 1e-4·|expected|. */
export const FORWARD_TOL: Tolerance = { atol: 1e-4, rtol: 1e-4 };
/** Gradients (and optimizer states): 1e-3 + 1e-3·|expected| (float32 summation order differs). */
export const GRAD_TOL: Tolerance = { atol: 1e-3, rtol: 1e-3 };

export interface Comparison {
  ok: boolean;
  /** Largest |actual - expected| (Infinity for a shape mismatch or a NaN where a number was expected). */
  maxErr: number;
  detail?: string;
}

/**
 * Compares `actual` with `expected`: equal shapes, and every element within atol + rtol·|expected|
 * (NaN matches NaN). A missing `actual` (null: no gradient reached the input) counts as zeros.
 */
export function compareTensors(what: string, actual: Tensor | null | undefined, expected: Tensor, tol: Tolerance): Comparison {
  const e = Array.from(expected.dense(), Number);
  let a: number[];
  if (!actual) {
    a = e.map(() => 0);
  } else {
    if (actual.shape.length !== expected.shape.length || actual.shape.some((s, i) => s !== expected.shape[i])) {
      return { ok: false, maxErr: Infinity, detail: `${what}: expected shape [${expected.shape.join(', ')}], got [${actual.shape.join(', ')}]` };
    }
    a = Array.from(actual.dense(), Number);
  }
  const { ok, maxErr } = compareArrays(a, e, tol.atol, tol.rtol);
  const err = Number.isNaN(maxErr) || (!ok && maxErr === 0) ? Infinity : maxErr;
  return ok ? { ok, maxErr: err } : { ok, maxErr: err, detail: `${what}: max error ${err.toExponential(3)} exceeds ${tol.atol} + ${tol.rtol}·|expected|` };
}

/** Collects the comparisons of one case and turns them into its CaseResult. */
export class CaseComparison {
  private maxErr = 0;
  private readonly failures: string[] = [];

  /** Compares and records; returns whether it matched. */
  check(what: string, actual: Tensor | null | undefined, expected: Tensor, tol: Tolerance = FORWARD_TOL): boolean {
    const c = compareTensors(what, actual, expected, tol);
    if (!(c.maxErr <= this.maxErr)) this.maxErr = c.maxErr;
    if (!c.ok) this.failures.push(c.detail ?? what);
    return c.ok;
  }

  /** A gradient comparison (GRAD_TOL). */
  checkGrad(what: string, actual: Tensor | null | undefined, expected: Tensor): boolean {
    return this.check(what, actual, expected, GRAD_TOL);
  }

  /** A failure that is not a tensor comparison (e.g. a missing output). */
  fail(detail: string): void {
    this.maxErr = Infinity;
    this.failures.push(detail);
  }

  result(): CaseResult {
    if (this.failures.length === 0) return { status: 'pass', maxErr: this.maxErr };
    return { status: 'fail', maxErr: this.maxErr, detail: this.failures.join('; ') };
  }
}

/** A skipped case's result. */
export function skipped(detail: string): CaseResult {
  return { status: 'skip', maxErr: 0, detail };
}
