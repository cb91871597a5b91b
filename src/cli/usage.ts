import { Option } from 'commander';

/** A bad flag or value: reported as one line plus a usage hint, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses a numeric flag, or throws a UsageError naming it. */
export function parseNumber(flag: string, value: string, opts?: { integer?: boolean; min?: number; max?: number }): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag} expects a number, got "${value}"`);
  if (opts?.integer && !Number.isInteger(n)) throw new UsageError(`${flag} expects an integer, got "${value}"`);
  if (opts?.min !== undefined && n < opts.min) throw new UsageError(`${flag} must be at least ${opts.min}, got ${value}`);
  if (opts?.max !== undefined && n > opts.max) throw new UsageError(`${flag} must be at most ${opts.max}, got ${value}`);
  return n;
}

export const intArg = (flag: string, min?: number) => (v: string) => parseNumber(flag, v, { integer: true, min });
export const floatArg = (flag: string, min?: number, max?: number) => (v: string) => parseNumber(flag, v, { min, max });

/**
 * `--no-repeat-ngram-size <n>` (generation's noRepeatNgramSize, 0: off). Commander reads the no- prefix as
 * negation and files the value without it, as `repeatNgramSize` (NoRepeatNgramFlag).
 */
export function noRepeatNgramOption(description: string): Option {
  return new Option('--no-repeat-ngram-size <n>', description).argParser(intArg('--no-repeat-ngram-size', 0)).default(0);
}

export interface NoRepeatNgramFlag {
  repeatNgramSize: number;
}
