import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';
import { loadSafetensors, readSafetensorsHeader } from '../io/safetensors.js';
import '../autograd/methods.js'; // handlers use Tensor methods (x.matmul(...), loss.backward())
import './kinds.js';
import { type CaseResult, kindHandler, type ParityCase } from './registry.js';

export interface CaseOutcome extends CaseResult {
  name: string;
  kind: string;
}

export interface ParitySummary {
  outcomes: CaseOutcome[];
  passed: number;
  failed: number;
  skipped: number;
}

export interface RunOptions {
  /** Run only cases of these kinds (all when absent or empty). */
  kinds?: readonly string[];
  /** Called after each case, in order. */
  onResult?: (o: CaseOutcome) => void;
}

function parseCaseJson(text: string | undefined, source: string): ParityCase {
  if (text === undefined) fail('InvalidFile', `${source}: no "case" entry in __metadata__`);
  let c: unknown;
  try {
    c = JSON.parse(text);
  } catch (e) {
    fail('InvalidFile', `${source}: __metadata__.case is not valid JSON (${(e as Error).message})`);
  }
  if (typeof c !== 'object' || c === null || typeof (c as ParityCase).kind !== 'string') {
    fail('InvalidFile', `${source}: __metadata__.case must be an object with a "kind"`);
  }
  const pc = c as ParityCase;
  return { ...pc, name: typeof pc.name === 'string' ? pc.name : path.basename(path.dirname(source)) };
}

/** The cases of a fixtures folder: its index.json, or a checkpoint folder's expected.safetensors. */
export function listCases(dir: string): ParityCase[] {
  const index = path.join(dir, 'index.json');
  if (fs.existsSync(index)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(index, 'utf8'));
    } catch (e) {
      fail('InvalidFile', `${index}: not valid JSON (${(e as Error).message})`);
    }
    const cases = (parsed as { cases?: unknown }).cases;
    if (!Array.isArray(cases)) fail('InvalidFile', `${index}: expected a "cases" array`);
    return cases.map((c, i) => {
      if (typeof c !== 'object' || c === null || typeof c.name !== 'string' || typeof c.kind !== 'string') {
        fail('InvalidFile', `${index}: case ${i} needs a string "name" and "kind"`);
      }
      return c as ParityCase;
    });
  }
  const expected = path.join(dir, 'expected.safetensors');
  if (fs.existsSync(expected)) return [parseCaseJson(readSafetensorsHeader(expected).metadata.case, expected)];
  fail('InvalidArgument', `parity: ${dir} holds neither index.json nor expected.safetensors`);
}

async function runCase(c: ParityCase, dir: string): Promise<CaseResult> {
  const handler = kindHandler(c.kind);
  if (!handler) return { status: 'skip', maxErr: 0, detail: `kind "${c.kind}" is not implemented` };
  try {
    const file = typeof c.file === 'string' ? loadSafetensors(path.join(dir, c.file)) : undefined;
    // The file's own description fills in anything index.json leaves out (index.json wins on conflicts).
    const own = file?.metadata.case;
    const full = own ? { ...parseCaseJson(own, path.join(dir, String(c.file))), ...c } : c;
    return await handler(full, { file, dir });
  } catch (e) {
    return { status: 'fail', maxErr: Infinity, detail: (e as Error).message };
  }
}

/** Runs every case of `dir` (on the active backend) and counts the outcomes. */
export async function runParity(dir: string, opts: RunOptions = {}): Promise<ParitySummary> {
  const kinds = opts.kinds && opts.kinds.length > 0 ? new Set(opts.kinds) : null;
  const summary: ParitySummary = { outcomes: [], passed: 0, failed: 0, skipped: 0 };
  for (const c of listCases(dir)) {
    if (kinds && !kinds.has(c.kind)) continue;
    const outcome: CaseOutcome = { name: c.name, kind: c.kind, ...(await runCase(c, dir)) };
    summary.outcomes.push(outcome);
    if (outcome.status === 'pass') summary.passed++;
    else if (outcome.status === 'fail') summary.failed++;
    else summary.skipped++;
    opts.onResult?.(outcome);
  }
  return summary;
}

/** One line per case: name, status, largest error (and why, for failures and skips). */
export function formatOutcome(o: CaseOutcome, nameWidth = 42): string {
  const err = o.status === 'skip' ? '-' : o.maxErr === 0 ? '0' : o.maxErr.toExponential(2);
  const line = `${o.name.padEnd(nameWidth)}  ${o.status.padEnd(4)}  max err ${err}`;
  return o.detail ? `${line}  (${o.detail})` : line;
}

export function formatSummary(s: ParitySummary): string {
  return `${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`;
}
