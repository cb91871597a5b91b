import { fail } from '../errors.js';
import { loadSafetensors, saveSafetensors } from '../io/safetensors.js';
import { Tensor } from '../tensor/tensor.js';
import type { OptimizerStateDict, ParamState } from './optimizer.js';

/** An optimizer state dict split for a file: tensors by name, everything else as JSON-ready data. */
export interface FlatOptimizerState {
  /** `<prefix><param index>.<key>` → buffer (for safetensors). */
  tensors: Map<string, Tensor>;
  /** `param_groups`, plus the numeric per-parameter state (`step`) under `scalars`. */
  json: { param_groups: OptimizerStateDict['param_groups']; scalars: Record<string, Record<string, number>> };
}

/** Splits an optimizer state dict into named tensors and JSON, e.g. to save as safetensors + metadata. */
export function flattenOptimizerState(sd: OptimizerStateDict, prefix = 'optimizer.state.'): FlatOptimizerState {
  const tensors = new Map<string, Tensor>();
  const scalars: Record<string, Record<string, number>> = {};
  for (const [index, state] of Object.entries(sd.state)) {
    scalars[index] = {};
    for (const [key, value] of Object.entries(state)) {
      if (typeof value === 'number') scalars[index][key] = value;
      else tensors.set(`${prefix}${index}.${key}`, value);
    }
  }
  return { tensors, json: { param_groups: sd.param_groups, scalars } };
}

/** The inverse of `flattenOptimizerState`: rebuilds the state dict from named tensors and the JSON part. */
export function unflattenOptimizerState(tensors: Map<string, Tensor>, json: FlatOptimizerState['json'],
  prefix = 'optimizer.state.'): OptimizerStateDict {
  if (!json || !Array.isArray(json.param_groups) || typeof json.scalars !== 'object') {
    fail('StateDictMismatch', 'optimizer state: expected JSON with param_groups and scalars');
  }
  const state: Record<string, ParamState> = {};
  for (const [index, s] of Object.entries(json.scalars)) state[index] = { ...s };
  for (const [name, t] of tensors) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const dot = rest.indexOf('.');
    if (dot <= 0) fail('StateDictMismatch', `optimizer state: tensor name "${name}" is not ${prefix}<index>.<key>`);
    const index = rest.slice(0, dot);
    (state[index] ??= {})[rest.slice(dot + 1)] = t;
  }
  return { state, param_groups: json.param_groups };
}

const OPTIMIZER_JSON_KEY = 'lmkit_optimizer';

/** Saves an optimizer state dict as a safetensors file (buffers as tensors, the rest as JSON metadata), atomically. */
export function saveOptimizerState(file: string, sd: OptimizerStateDict): void {
  const { tensors, json } = flattenOptimizerState(sd);
  saveSafetensors(file, tensors, { [OPTIMIZER_JSON_KEY]: JSON.stringify(json) });
}

/** Loads an optimizer state dict saved by `saveOptimizerState` (pass it to `optimizer.loadStateDict`). */
export function loadOptimizerState(file: string): OptimizerStateDict {
  const { tensors, metadata } = loadSafetensors(file, { float64: true });
  const raw = metadata[OPTIMIZER_JSON_KEY];
  if (raw === undefined) fail('InvalidFile', `${file}: not an optimizer state file (no "${OPTIMIZER_JSON_KEY}" metadata)`);
  return unflattenOptimizerState(tensors, JSON.parse(raw));
}
