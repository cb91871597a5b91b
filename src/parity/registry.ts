/**
 * Parity kinds: each fixture case has a `kind` ("op", "module", "optimizer", "graph", "checkpoint"), and
 * a handler registered for that kind runs it from its JSON description. Handlers live in one module per
 * kind, imported by ./kinds.ts.
 */
import type { SafetensorsFile } from '../io/safetensors.js';

export interface ParityCase {
  name: string;
  kind: string;
  file?: string;
  [k: string]: unknown;
}

export interface CaseResult {
  status: 'pass' | 'fail' | 'skip';
  /** The largest error over everything the case compared. */
  maxErr: number;
  detail?: string;
}

export interface KindContext {
  /** The case's safetensors file, loaded with default options (float32), when the case names one. */
  file?: SafetensorsFile;
  /** The directory holding the case (the fixtures folder, or the checkpoint folder). */
  dir: string;
}

export type KindHandler = (c: ParityCase, ctx: KindContext) => CaseResult | Promise<CaseResult>;

const handlers = new Map<string, KindHandler>();

/** Registers the handler of a kind (a later registration replaces an earlier one). */
export function registerKind(kind: string, handler: KindHandler): void {
  handlers.set(kind, handler);
}

export function kindHandler(kind: string): KindHandler | undefined {
  return handlers.get(kind);
}

export function registeredKinds(): string[] {
  return [...handlers.keys()].sort();
}

export { CaseComparison, compareTensors, FORWARD_TOL, GRAD_TOL, skipped, type Comparison, type Tolerance } from './compare.js';
