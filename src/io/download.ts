import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';
import { fsyncDir, writeAll } from './atomic.js';

/** What a finished download must match. */
export interface ExpectedContent {
  /** Hex sha256 (the etag of LFS files). */
  sha256?: string;
  /** Hex git blob sha1: sha1("blob <size>\0" + content) (the etag of regular files). */
  gitSha1?: string;
  size?: number;
}

export interface DownloadRequest {
  url: string;
  headers: Record<string, string>;
  /** Final path; bytes accumulate in `<dest>.incomplete` and are renamed there once verified. */
  dest: string;
  expected: ExpectedContent;
  /** Names the download in errors, e.g. `gpt2: model.safetensors`. */
  what: string;
  /** Resumed attempts after a dropped connection or a 5xx/429 answer. */
  retries: number;
  /** Abort an attempt when no bytes arrive for this long. */
  idleTimeoutMs: number;
  /** Called as bytes arrive, with the bytes on disk so far and the expected size. */
  onProgress?: (bytes: number, total?: number) => void;
}

class Retryable extends Error {}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

async function hashFile(file: string, expected: ExpectedContent): Promise<{ sha256: string; gitSha1: string; size: number }> {
  const size = sizeOf(file);
  const sha256 = crypto.createHash('sha256');
  const sha1 = crypto.createHash('sha1').update(`blob ${size}\0`);
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    if (expected.sha256) sha256.update(chunk as Buffer);
    if (expected.gitSha1) sha1.update(chunk as Buffer);
  }
  return { sha256: sha256.digest('hex'), gitSha1: sha1.digest('hex'), size };
}

/** One GET (with a Range header when resuming) streamed onto the end of the partial file. */
async function attempt(req: DownloadRequest, partial: string): Promise<void> {
  let have = sizeOf(partial);
  if (req.expected.size !== undefined && have > req.expected.size) {
    fs.rmSync(partial, { force: true });
    have = 0;
  }
  if (req.expected.size !== undefined && have === req.expected.size && have > 0) return;
  const headers = { ...req.headers, 'accept-encoding': 'identity', ...(have > 0 ? { range: `bytes=${have}-` } : {}) };
  const abort = new AbortController();
  let timer = setTimeout(() => abort.abort(), req.idleTimeoutMs);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => abort.abort(), req.idleTimeoutMs);
  };
  try {
    let res: Response;
    try {
      res = await fetch(req.url, { headers, redirect: 'follow', signal: abort.signal });
    } catch (e) {
      if (abort.signal.aborted) throw new Retryable(`no response within ${req.idleTimeoutMs} ms`);
      throw new Retryable(`request failed (${(e as Error).cause ?? (e as Error).message})`);
    }
    if (!res.ok && res.status !== 206) await res.body?.cancel();
    if (res.status === 429 || res.status >= 500) throw new Retryable(`HTTP ${res.status} ${res.statusText}`);
    if (res.status === 416) {
      fs.rmSync(partial, { force: true });
      throw new Retryable('HTTP 416: the partial file does not fit the remote one, starting over');
    }
    if (!res.ok) fail('DownloadFailed', `${req.what}: HTTP ${res.status} ${res.statusText} (${req.url})`);
    let append = false;
    if (res.status === 206) {
      const start = /^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '');
      append = start !== null && Number(start[1]) === have;
      if (!append) {
        await res.body?.cancel();
        fs.rmSync(partial, { force: true });
        throw new Retryable(`server answered a range request with an unexpected Content-Range "${res.headers.get('content-range')}"`);
      }
    }
    // 200 to a range request: the server ignored it and sends everything, so start over.
    const fd = fs.openSync(partial, append ? 'a' : 'w');
    let written = append ? have : 0;
    let diskError: unknown = null;
    try {
      if (res.body) {
        try {
          for await (const chunk of res.body) {
            touch();
            try {
              writeAll(fd, chunk as Uint8Array);
            } catch (e) {
              diskError = e; // a full disk is not a network problem: no retry
              break;
            }
            written += (chunk as Uint8Array).length;
            req.onProgress?.(written, req.expected.size);
          }
        } catch (e) {
          const why = abort.signal.aborted ? `no data for ${req.idleTimeoutMs} ms` : (e as Error).message;
          throw new Retryable(`connection lost after ${written} bytes (${why})`);
        }
      }
      if (diskError) throw diskError;
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Downloads `req.url` to `req.dest`: resumable (a partial `.incomplete` file continues with an HTTP Range
 * request, after a dropped connection or on the next run), verified against the expected hash and size,
 * and atomic (renamed into place only once verified). A mismatching download is deleted.
 */
export async function downloadVerified(req: DownloadRequest): Promise<void> {
  const partial = `${req.dest}.incomplete`;
  fs.mkdirSync(path.dirname(req.dest), { recursive: true });
  for (let i = 0; ; i++) {
    try {
      await attempt(req, partial);
      break;
    } catch (e) {
      if (!(e instanceof Retryable)) throw e;
      if (i >= req.retries) {
        fail('DownloadFailed', `${req.what}: ${e.message}; ${sizeOf(partial)} bytes are kept in ${partial}, and the next attempt resumes from there (${req.url})`);
      }
      await new Promise((r) => setTimeout(r, 100 * 2 ** i));
    }
  }
  const got = await hashFile(partial, req.expected);
  const { sha256, gitSha1, size } = req.expected;
  let problem: string | null = null;
  if (size !== undefined && got.size !== size) problem = `size mismatch: expected ${size} bytes, got ${got.size}`;
  else if (sha256 && got.sha256 !== sha256) problem = `sha256 mismatch: expected ${sha256}, got ${got.sha256}`;
  else if (gitSha1 && got.gitSha1 !== gitSha1) problem = `git sha1 mismatch: expected ${gitSha1}, got ${got.gitSha1}`;
  if (problem) {
    fs.rmSync(partial, { force: true });
    fail('DownloadFailed', `${req.what}: downloaded file is corrupt (${problem}); it was deleted (${req.url})`);
  }
  fs.renameSync(partial, req.dest);
  fsyncDir(path.dirname(req.dest));
}
