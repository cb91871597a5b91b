import fs from 'node:fs';

let version: string | null = null;

/** lmkit's version, read from its package.json (one folder above dist/ and src/). */
export function lmkitVersion(): string {
  if (version === null) {
    const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    version = pkg.version ?? '0.0.0';
  }
  return version;
}
