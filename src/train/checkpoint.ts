import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';
import { writeAll, writeFileAtomic } from '../io/atomic.js';
import { loadSafetensors, serializeSafetensors } from '../io/safetensors.js';
import { type FlatOptimizerState, flattenOptimizerState, unflattenOptimizerState } from '../optim/serialize.js';
import type { OptimizerStateDict } from '../optim/optimizer.js';
import type { SchedulerStateDict } from '../optim/lr_scheduler.js';
import type { GeneratorState } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import type { BatchPosition } from './batches.js';
import type { StepMetrics } from './types.js';

export const CHECKPOINT_FORMAT = 'lmkit.training-checkpoint';
const METADATA_KEY = 'lmkit_training';
const MODEL_PREFIX = 'model.';
const OPTIMIZER_PREFIX = 'optimizer.state.';

/** Everything of a training run besides the model weights and optimizer buffers (stored as JSON). */
export interface TrainingState {
  format: typeof CHECKPOINT_FORMAT;
  version: 1;
  /** Optimizer steps done. */
  step: number;
  /** Seconds of training so far. */
  elapsed: number;
  /** Micro-batches skipped for a non-finite loss. */
  skippedBatches: number;
  data: { train: BatchPosition };
  scheduler: SchedulerStateDict | null;
  rng: { default: GeneratorState; generators: GeneratorState[] };
  /** Each callback's state, by its key. */
  callbacks: Record<string, unknown>;
  /** The metrics rows so far (for the loss plot). */
  history: StepMetrics[];
}

/** A training checkpoint as loaded: model state dict, optimizer state dict and the rest. */
export interface TrainingCheckpoint {
  model: Map<string, Tensor>;
  optimizer: OptimizerStateDict;
  state: TrainingState;
}

/**
 * The bytes of a checkpoint file: one safetensors file holding the model's state dict under `model.`,
 * the optimizer's buffers under `optimizer.state.<param index>.<key>`, and the rest as JSON in the
 * `lmkit_training` metadata entry.
 */
export function checkpointBytes(model: Map<string, Tensor>, optimizer: OptimizerStateDict,
  state: TrainingState): Uint8Array {
  const flat = flattenOptimizerState(optimizer, OPTIMIZER_PREFIX);
  const tensors = new Map<string, Tensor>();
  for (const [k, t] of model) tensors.set(MODEL_PREFIX + k, t);
  for (const [k, t] of flat.tensors) tensors.set(k, t);
  const meta = JSON.stringify({ ...state, optimizer: flat.json });
  return serializeSafetensors(tensors, { format: 'pt', [METADATA_KEY]: meta });
}

/**
 * Writes checkpoint bytes to each path atomically (temporary file in the same directory, fsync, rename,
 * fsync of the directory): a crash leaves the previous file or the complete new one, never a partial one.
 */
export function writeCheckpointFiles(bytes: Uint8Array, paths: readonly string[]): void {
  for (const p of paths) {
    fs.mkdirSync(path.dirname(path.resolve(p)), { recursive: true });
    writeFileAtomic(p, (fd) => writeAll(fd, bytes));
  }
}

/** Reads a checkpoint written by the Trainer (float64 tensors stay float64). */
export function loadCheckpoint(file: string): TrainingCheckpoint {
  const { tensors, metadata } = loadSafetensors(file, { float64: true });
  const raw = metadata[METADATA_KEY];
  if (raw === undefined) fail('InvalidFile', `${file}: not a training checkpoint (no "${METADATA_KEY}" metadata)`);
  let parsed: TrainingState & { optimizer: FlatOptimizerState['json'] };
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    fail('InvalidFile', `${file}: the "${METADATA_KEY}" metadata is not valid JSON (${(e as Error).message})`);
  }
  if (parsed.format !== CHECKPOINT_FORMAT || parsed.version !== 1) {
    fail('InvalidFile', `${file}: expected format ${CHECKPOINT_FORMAT} version 1, got ${parsed.format} version ${parsed.version}`);
  }
  const model = new Map<string, Tensor>();
  for (const [k, t] of tensors) if (k.startsWith(MODEL_PREFIX)) model.set(k.slice(MODEL_PREFIX.length), t);
  const { optimizer: optimizerJson, ...state } = parsed;
  return { model, optimizer: unflattenOptimizerState(tensors, optimizerJson, OPTIMIZER_PREFIX), state };
}
