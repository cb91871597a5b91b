import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from './usage.js';

/**
 * A training command's OUT/checkpoints folder (created) and the checkpoint `--resume` continues from;
 * with `resume` that checkpoint must exist (a usage error naming it otherwise). `out` is the --out flag.
 */
export function checkpointFolder(out: string, resume: boolean): { outDir: string; checkpointDir: string; lastCheckpoint: string } {
  const outDir = path.resolve(out);
  const checkpointDir = path.join(outDir, 'checkpoints');
  const lastCheckpoint = path.join(checkpointDir, 'last.safetensors');
  if (resume && !fs.existsSync(lastCheckpoint)) {
    throw new UsageError(`--resume: no checkpoint at ${lastCheckpoint} (train once with --out ${out} first)`);
  }
  fs.mkdirSync(checkpointDir, { recursive: true });
  return { outDir, checkpointDir, lastCheckpoint };
}
