import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { LmkitError } from '../errors.js';
import { loadSafetensors, saveSafetensors } from '../io/safetensors.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * A copy of the checkpoint folder `fixture` as `dir`, its tensors rewritten by `edit` and its
 * config.json fields replaced by those of `config`.
 */
export function editedCheckpoint(fixture: string, dir: string, edit: (t: Map<string, Tensor>) => void, config?: object): string {
  fs.mkdirSync(dir, { recursive: true });
  const cfg = JSON.parse(fs.readFileSync(path.join(fixture, 'config.json'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ ...cfg, ...config }));
  const { tensors } = loadSafetensors(path.join(fixture, 'model.safetensors'));
  edit(tensors);
  saveSafetensors(path.join(dir, 'model.safetensors'), tensors, { format: 'pt' });
  return dir;
}

/** Asserts that `p` rejects with an LmkitError of `code` whose message matches `pattern`. */
export async function rejectsWith(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => e instanceof LmkitError && e.code === code && pattern.test(e.message));
}
