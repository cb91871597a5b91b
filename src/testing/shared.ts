import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The shared fixtures folder: $LMKIT_SHARED, else ../shared beside the repository; null when neither
 * exists (tests that need it then skip with one line).
 */
export function sharedDir(): string | null {
  const candidates = [process.env.LMKIT_SHARED, path.resolve(repoRoot, '../shared')].filter(Boolean) as string[];
  for (const c of candidates) if (fs.existsSync(path.join(c, 'fixtures'))) return c;
  return null;
}

export const SHARED_MISSING = 'shared fixtures not found (set LMKIT_SHARED or place ../shared beside the repo)';

export { repoRoot };
