import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { preview } from './preview.js';
import { loadSafetensors, type LoadOptions, type SafetensorsFile } from './safetensors.js';

export const SINGLE_WEIGHTS = 'model.safetensors';
export const SHARD_INDEX = 'model.safetensors.index.json';

/**
 * The shard files a `model.safetensors.index.json` lists in its `weight_map` (tensor name → file), each
 * once, sorted.
 */
export function readShardIndex(indexPath: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(indexPath, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code) throw e;
    fail('InvalidFile', `${indexPath}: not valid JSON (${(e as Error).message.replace(/\s+/g, ' ').slice(0, 160)})`);
  }
  const map = (parsed as { weight_map?: unknown } | null)?.weight_map;
  if (typeof map !== 'object' || map === null || Array.isArray(map)) fail('InvalidFile', `${indexPath}: expected a "weight_map" object of tensor name → file`);
  const shards = new Set<string>();
  for (const [name, file] of Object.entries(map)) {
    const parts = typeof file === 'string' ? file.split('/') : [];
    if (parts.length === 0 || parts.some((p) => p === '' || p === '.' || p === '..') || (file as string).includes('\\')) {
      fail('InvalidFile', `${indexPath}: weight_map entry ${preview(name)} names an invalid file ${preview(file)}`);
    }
    shards.add(file as string);
  }
  return [...shards].sort();
}

/**
 * The weight files of a model directory: `model.safetensors`, else the shards listed by
 * `model.safetensors.index.json`; null when the directory holds neither.
 */
export function modelWeightFiles(dir: string): string[] | null {
  const single = path.join(dir, SINGLE_WEIGHTS);
  if (fs.existsSync(single)) return [single];
  const index = path.join(dir, SHARD_INDEX);
  if (fs.existsSync(index)) return readShardIndex(index).map((s) => path.join(dir, s));
  return null;
}

/**
 * Every tensor of a model directory's weights, single-file or sharded, in one map (see
 * {@link loadSafetensors} for dtypes). The metadata is the first file's.
 */
export function loadModelWeights(dir: string, opts?: LoadOptions): SafetensorsFile {
  const files = modelWeightFiles(dir);
  if (!files) fail('InvalidArgument', `loadModelWeights: ${dir} holds neither ${SINGLE_WEIGHTS} nor ${SHARD_INDEX}`);
  const tensors = new Map<string, Tensor>();
  let metadata: Record<string, string> | null = null;
  for (const file of files) {
    const part = loadSafetensors(file, opts);
    metadata ??= part.metadata;
    for (const [name, t] of part.tensors) {
      if (tensors.has(name)) fail('InvalidFile', `${file}: tensor ${preview(name)} also appears in another shard`);
      tensors.set(name, t);
    }
  }
  return { tensors, metadata: metadata ?? {} };
}
