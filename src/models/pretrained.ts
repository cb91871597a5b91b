/**
 * What every checkpoint folder loader shares (GPT-2, BERT, lmkit's own): reading config.json and the
 * weights, matching the checkpoint's tensors to a model's state dict by name with strict shape checks,
 * and writing a folder back (config.json, model.safetensors, tokenizer files).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fail, LmkitError } from '../errors.js';
import { loadSafetensors, saveSafetensors } from '../io/safetensors.js';
import type { StateDict } from '../nn/module.js';
import { withAllocationLimit } from '../tensor/alloc.js';
import { shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Tokenizer } from '../tokenizers/tokenizer.js';

/** A parsed config.json. */
export type HFConfig = Record<string, unknown>;

/** Reads a JSON file that must hold an object; unreadable files and invalid JSON are 'InvalidFile' errors. */
export function readJsonObject(file: string): HFConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    fail('InvalidFile', `${file}: cannot read (${(e as Error).message})`);
  }
  try {
    const json = JSON.parse(text) as unknown;
    if (json === null || typeof json !== 'object' || Array.isArray(json)) fail('InvalidFile', `${file}: expected a JSON object`);
    return json as HFConfig;
  } catch (e) {
    if (e instanceof LmkitError) throw e;
    fail('InvalidFile', `${file}: invalid JSON (${(e as Error).message})`);
  }
}

/** The config field `key`, which must be a positive integer. */
export function configInt(config: HFConfig, key: string, file: string): number {
  const v = config[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) fail('InvalidFile', `${file}: ${key} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

/** The config field `key` when it is a number, else `fallback`. */
export function configNumber(config: HFConfig, key: string, fallback: number): number {
  const v = config[key];
  return typeof v === 'number' ? v : fallback;
}

/** The `architectures` of a config.json, joined for messages ('' when absent). */
export function architecturesOf(config: HFConfig): string {
  return Array.isArray(config.architectures) ? (config.architectures as string[]).join(', ') : '';
}

/** Whether `dir` holds tokenizer files Tokenizer.fromPretrained reads. */
export function hasTokenizerFiles(dir: string): boolean {
  return ['tokenizer.json', 'vocab.json', 'vocab.txt'].some((f) => fs.existsSync(path.join(dir, f)));
}

/** The tensors of `dir`/model.safetensors, and the file's path (for messages). */
export function readCheckpointWeights(dir: string): { tensors: Map<string, Tensor>; file: string } {
  const file = path.join(dir, 'model.safetensors');
  if (!fs.existsSync(file)) fail('InvalidFile', `${dir}: no model.safetensors (lmkit reads safetensors weights only)`);
  return { tensors: loadSafetensors(file).tensors, file };
}

/**
 * Builds the model that `configFile` describes for the checkpoint `tensors` (read from `weightsFile`),
 * refusing a config that describes a model far larger than its weights (a corrupt or mismatched
 * config.json) before the allocation that would exhaust memory: the model may allocate at most twice the
 * checkpoint's values plus 1M (room for buffers that checkpoints leave out). The exact names and shapes
 * are checked afterwards, when the weights load.
 */
export function buildForCheckpoint<M>(configFile: string, weightsFile: string, tensors: Map<string, Tensor>, build: () => M): M {
  let values = 0;
  for (const t of tensors.values()) values += t.size;
  const refuse = (): never => fail('InvalidFile',
    `${configFile}: describes a model larger than the ${values} values of ${weightsFile} (the config and the weights do not match)`);
  try {
    return withAllocationLimit(2 * values + (1 << 20), refuse, build);
  } catch (e) {
    // An array longer than JavaScript allows, or than memory holds: the sizes are absurd.
    if (e instanceof RangeError && /array length|allocation failed/i.test(e.message)) refuse();
    throw e;
  }
}

/** How a checkpoint's tensor names relate to a model's state-dict keys. */
export interface CheckpointNames {
  /** The state-dict key a checkpoint tensor loads into, or null to skip the tensor. */
  keyOf(name: string): string | null;
  /** How a missing key may be written in a checkpoint (for the error message). */
  spellings(key: string): string;
  /** What the model is, for the "unexpected tensor" message ("a GPT-2 model of this config"). */
  model: string;
}

/**
 * The checkpoint's tensors under the model's keys, checked against `own` (the model's state dict):
 * every key present with its shape. Unknown, misshaped and missing tensors are LmkitErrors
 * ('InvalidFile', 'ShapeMismatch', 'TensorNotFound') naming the tensor.
 */
export function matchCheckpoint(own: StateDict, tensors: Map<string, Tensor>, names: CheckpointNames, file: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [name, t] of tensors) {
    const key = names.keyOf(name);
    if (key === null) continue;
    const expected = own.get(key);
    if (!expected) fail('InvalidFile', `${file}: unexpected tensor "${name}" (not part of ${names.model})`);
    checkShape(file, name, t, expected.shape);
    out.set(key, t);
  }
  for (const key of own.keys()) {
    if (!out.has(key)) fail('TensorNotFound', `${file}: missing tensor ${names.spellings(key)}`);
  }
  return out;
}

/** 'ShapeMismatch' naming the tensor unless `t` has `shape` (`note` explains an unusual expectation). */
export function checkShape(file: string, name: string, t: Tensor, shape: readonly number[], note = ''): void {
  if (!shapesEqual(t.shape, shape)) {
    fail('ShapeMismatch', `${file}: tensor "${name}" has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]${note}`);
  }
}

/** Writes config.json (atomically), model.safetensors and the tokenizer files into `dir`. */
export function writeModelFolder(dir: string, config: HFConfig, stateDict: StateDict, tokenizer: Tokenizer | null): void {
  fs.mkdirSync(dir, { recursive: true });
  const configFile = path.join(dir, 'config.json');
  const tmp = `${configFile}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`);
  fs.renameSync(tmp, configFile);
  saveSafetensors(path.join(dir, 'model.safetensors'), stateDict, { format: 'pt' });
  tokenizer?.savePretrained(dir);
}
