import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fail } from '../errors.js';
import { fsyncDir } from './atomic.js';

/**
 * The Hugging Face hub cache layout, shared with huggingface_hub (Python) and transformers:
 *
 *   <cache>/models--<org>--<name>/blobs/<etag>                 file contents, named by sha256 (LFS) or git sha1
 *   <cache>/models--<org>--<name>/refs/<revision>              the commit a branch or tag pointed to
 *   <cache>/models--<org>--<name>/snapshots/<commit>/<file>    relative symlink to ../../blobs/<etag>
 *   <cache>/models--<org>--<name>/.no_exist/<commit>/<file>    empty marker: the file does not exist upstream
 *   <cache>/.locks/models--<org>--<name>/<etag>.lmkit.lock     pid of the process downloading that blob
 */

/** $HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub. */
export function hubCacheDir(override?: string): string {
  if (override) return override;
  const env = process.env;
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HUGGINGFACE_HUB_CACHE) return env.HUGGINGFACE_HUB_CACHE;
  const home = env.HF_HOME ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'huggingface');
  return path.join(home, 'hub');
}

/** True when HF_HUB_OFFLINE asks for the cache only. */
export function isOffline(): boolean {
  return ['1', 'on', 'yes', 'true'].includes((process.env.HF_HUB_OFFLINE ?? '').trim().toLowerCase());
}

export function isCommitHash(revision: string): boolean {
  return /^[0-9a-f]{40}$/.test(revision);
}

/** A relative path inside a repository or cache folder: no absolute paths, no `..`, no empty parts. */
export function checkRelativePath(what: string, p: string): void {
  const parts = p.split('/');
  if (p === '' || p.startsWith('/') || p.includes('\\') || parts.some((s) => s === '' || s === '.' || s === '..')) {
    fail('InvalidArgument', `resolveModel: invalid ${what} "${p}" (expected a relative path without "." or ".." parts)`);
  }
}

export class RepoCache {
  readonly dir: string;

  /** Where lmkit's download locks live (beside huggingface_hub's own, under other names). */
  private readonly locks: string;

  constructor(cacheDir: string, readonly repoId: string) {
    const folder = `models--${repoId.split('/').join('--')}`;
    this.dir = path.join(cacheDir, folder);
    this.locks = path.join(cacheDir, '.locks', folder);
  }

  lockPath(etag: string): string {
    return path.join(this.locks, `${etag}.lmkit.lock`);
  }

  snapshotDir(commit: string): string {
    return path.join(this.dir, 'snapshots', commit);
  }

  blobPath(etag: string): string {
    return path.join(this.dir, 'blobs', etag);
  }

  /** The commit a revision resolves to in the cache (a commit hash resolves to itself). */
  commitFor(revision: string): string | null {
    if (isCommitHash(revision)) return revision;
    try {
      const commit = fs.readFileSync(path.join(this.dir, 'refs', revision), 'utf8').trim();
      return isCommitHash(commit) ? commit : null;
    } catch {
      return null;
    }
  }

  writeRef(revision: string, commit: string): void {
    if (isCommitHash(revision)) return;
    const ref = path.join(this.dir, 'refs', revision);
    fs.mkdirSync(path.dirname(ref), { recursive: true });
    const tmp = `${ref}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, commit);
    fs.renameSync(tmp, ref);
  }

  /** True when the snapshot holds `file` and its blob is there (a dangling link does not count). */
  has(commit: string, file: string): boolean {
    return fs.existsSync(path.join(this.snapshotDir(commit), file));
  }

  isMarkedMissing(commit: string, file: string): boolean {
    return fs.existsSync(path.join(this.dir, '.no_exist', commit, file));
  }

  markMissing(commit: string, file: string): void {
    const marker = path.join(this.dir, '.no_exist', commit, file);
    fs.mkdirSync(path.dirname(marker), { recursive: true });
    fs.writeFileSync(marker, '');
  }

  /** Points snapshots/<commit>/<file> at blobs/<etag> (a relative symlink; a copy where links are refused). */
  link(commit: string, file: string, etag: string): void {
    const target = path.join(this.snapshotDir(commit), file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const blob = this.blobPath(etag);
    const tmp = `${target}.${process.pid}.tmp`;
    fs.rmSync(tmp, { force: true });
    try {
      fs.symlinkSync(path.relative(path.dirname(target), blob), tmp);
    } catch {
      fs.copyFileSync(blob, tmp);
    }
    fs.renameSync(tmp, target);
    fsyncDir(path.dirname(target));
  }
}
