import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The playground's folder: web/ at the package root (beside dist/ and src/). */
export const defaultWebDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web');

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The files of the playground, by URL path ('/' is index.html). Only files directly in `dir` with a
 * known type are served, so no request can reach outside it.
 */
export function playgroundFiles(dir: string | null): Map<string, { file: string; type: string }> {
  const files = new Map<string, { file: string; type: string }>();
  if (!dir || !fs.existsSync(dir)) return files;
  for (const name of fs.readdirSync(dir)) {
    const type = types[path.extname(name)];
    const file = path.join(dir, name);
    if (!type || !fs.statSync(file).isFile()) continue;
    files.set(`/${name}`, { file, type });
    if (name === 'index.html') files.set('/', { file, type });
  }
  return files;
}
