import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';
import { sharedDir } from '../testing/shared.js';

/** The parsed configs.json: one section per suite. */
export type BenchConfig = Record<string, unknown>;

/** shared/bench/configs.json, or null when the shared folder is not found. */
export function defaultConfigPath(): string | null {
  const shared = sharedDir();
  if (!shared) return null;
  const file = path.join(shared, 'bench', 'configs.json');
  return fs.existsSync(file) ? file : null;
}

/** Reads and parses a configs.json. */
export function loadConfig(file: string): BenchConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    fail('InvalidFile', `bench config ${file}: cannot read it (${(e as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    fail('InvalidFile', `bench config ${file}: expected JSON, got a parse error (${(e as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    fail('InvalidFile', `bench config ${file}: expected an object of suite sections, got ${JSON.stringify(parsed)?.slice(0, 40)}`);
  }
  return parsed as BenchConfig;
}

/** The section of suite `name`, as an object. */
export function sectionOf(config: BenchConfig, name: string): Record<string, unknown> {
  const s = config[name];
  if (typeof s !== 'object' || s === null || Array.isArray(s)) {
    fail('InvalidFile', `bench config: expected an object "${name}", got ${JSON.stringify(s)}`);
  }
  return s as Record<string, unknown>;
}

/** A positive integer field of a section. */
export function intField(section: Record<string, unknown>, suite: string, field: string): number {
  const v = section[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    fail('InvalidFile', `bench config: ${suite}.${field}: expected a positive integer, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** A finite number field of a section. */
export function numberField(section: Record<string, unknown>, suite: string, field: string): number {
  const v = section[field];
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    fail('InvalidFile', `bench config: ${suite}.${field}: expected a number, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** A list of positive-integer tuples of length `arity` (e.g. gemm.shapes, [M, K, N] each). */
export function shapesField(section: Record<string, unknown>, suite: string, field: string, arity: number): number[][] {
  const v = section[field];
  const ok = Array.isArray(v) && v.every((s) => Array.isArray(s) && s.length === arity &&
    s.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 1));
  if (!ok) {
    fail('InvalidFile', `bench config: ${suite}.${field}: expected a list of [${arity} positive integers], got ${JSON.stringify(v)}`);
  }
  return v as number[][];
}
