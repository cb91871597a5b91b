import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Flushes a directory entry change (a rename) to disk; a no-op where directories cannot be opened. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows and some file systems refuse fsync on directories; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Largest single read or write: Node refuses lengths of 2 GiB and more in one call. */
export const MAX_IO_BYTES = 1 << 30;

/** Writes all of `bytes` at the current position of `fd`. */
export function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += fs.writeSync(fd, bytes, done, Math.min(bytes.length - done, MAX_IO_BYTES));
}

/**
 * Writes `target` atomically: `fill` writes into a temporary file in the same directory, which is then
 * fsynced and renamed over `target`, and the directory is fsynced. Readers see the old file or the
 * complete new one, never a partial write; on failure the temporary file is removed.
 */
export function writeFileAtomic(target: string, fill: (fd: number) => void): void {
  const dir = path.dirname(path.resolve(target));
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'wx');
  try {
    try {
      fill(fd);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDir(dir);
}
