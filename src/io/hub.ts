import fs from 'node:fs';
import { fail } from '../errors.js';
import { withFileLock } from './download-lock.js';
import { downloadVerified, type ExpectedContent } from './download.js';
import { checkRelativePath, hubCacheDir, isCommitHash, isOffline, RepoCache } from './hub-cache.js';
import { readShardIndex, SHARD_INDEX, SINGLE_WEIGHTS } from './model-files.js';

export { hubCacheDir } from './hub-cache.js';

/** Tokenizer and generation files fetched when the repository has them. */
export const OPTIONAL_MODEL_FILES = [
  'tokenizer.json',
  'tokenizer_config.json',
  'vocab.json',
  'merges.txt',
  'vocab.txt',
  'special_tokens_map.json',
  'generation_config.json',
] as const;

export interface ResolveModelOptions {
  /** Branch, tag or commit hash. Default `main`. */
  revision?: string;
  /**
   * Files to fetch, all required. Default: `config.json`, the weights (`model.safetensors`, or the
   * shards of `model.safetensors.index.json`) and whichever {@link OPTIONAL_MODEL_FILES} exist.
   */
  files?: string[];
  /** The hub cache folder. Default $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub. */
  cacheDir?: string;
  /** Default $HF_ENDPOINT, else https://huggingface.co. */
  endpoint?: string;
  /** Bearer token for private or gated repositories. Default $HF_TOKEN. */
  token?: string;
  /** Resumed attempts per file after a dropped connection. Default 3. */
  retries?: number;
  /** Give up on a request when no bytes arrive for this long. Default 60 s. */
  idleTimeoutMs?: number;
  /**
   * Ask the hub which commit the revision is now at, instead of trusting the cache's earlier answer
   * (files whose content did not change are not downloaded again). Default false.
   */
  refresh?: boolean;
  /** Called as bytes of a file arrive (`bytes` counts a resumed file's earlier part too). */
  onProgress?: (progress: DownloadProgress) => void;
}

export interface DownloadProgress {
  file: string;
  bytes: number;
  /** The file's size, when the hub sent it. */
  total?: number;
}

/** What the hub says about one file before it is downloaded. */
interface RemoteFile {
  commit: string;
  etag: string;
  expected: ExpectedContent;
  url: string;
}

interface Context {
  repoId: string;
  revision: string;
  endpoint: string;
  headers: Record<string, string>;
  cache: RepoCache;
  retries: number;
  idleTimeoutMs: number;
  onProgress?: (progress: DownloadProgress) => void;
}

/** In-process downloads by blob path, so concurrent calls share one download (file locks keep other processes out). */
const inflight = new Map<string, Promise<void>>();

function checkRepoId(id: string): void {
  const part = '[A-Za-z0-9][A-Za-z0-9._-]*';
  if (!new RegExp(`^(${part}/)?${part}$`).test(id) || id.includes('--') || id.includes('..') || id.length > 96) {
    fail('InvalidArgument', `resolveModel: "${id}" is neither an existing directory nor a Hugging Face model id like "gpt2" or "org/name"`);
  }
}

function normalizeEtag(value: string | null): string | null {
  if (!value) return null;
  return value.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
}

function describeError(res: Response): string {
  const code = res.headers.get('x-error-code');
  const message = res.headers.get('x-error-message');
  const extra = [code, message].filter(Boolean).join(': ');
  const hint = res.status === 401 || res.status === 403 ? ' (the repository may be private or gated: set HF_TOKEN, or check the id)' : '';
  return `HTTP ${res.status} ${res.statusText}${extra ? ` (${extra})` : ''}${hint}`;
}

/** A HEAD request, retried with backoff after network errors and 5xx/429 answers. */
async function headWithRetries(ctx: Context, url: string, what: string): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    let problem: string;
    try {
      const res = await fetch(url, { method: 'HEAD', redirect: 'manual', headers: { ...ctx.headers, 'accept-encoding': 'identity' }, signal: AbortSignal.timeout(ctx.idleTimeoutMs) });
      if (res.status !== 429 && res.status < 500) return res;
      problem = describeError(res);
    } catch (e) {
      problem = `cannot reach ${url} (${(e as Error).cause ?? (e as Error).message}); set HF_HUB_OFFLINE=1 to use the cache only`;
    }
    if (attempt >= ctx.retries) fail('DownloadFailed', `${what}: ${problem}`);
    await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
  }
}

/**
 * Asks the hub for a file's commit, etag and size with a HEAD request, following relative redirects
 * (renamed repositories) but not the redirect of large files to their storage host, whose headers carry
 * the LFS sha256 (`X-Linked-Etag`) and size (`X-Linked-Size`). Returns null for a missing file (404).
 */
async function headFile(ctx: Context, revision: string, file: string): Promise<{ remote: RemoteFile | null; commit: string | null; status: number; error: string }> {
  let url = `${ctx.endpoint}/${ctx.repoId}/resolve/${encodeURIComponent(revision)}/${file.split('/').map(encodeURIComponent).join('/')}`;
  const what = `${ctx.repoId}: ${file}`;
  for (let hops = 0; hops < 10; hops++) {
    const res = await headWithRetries(ctx, url, what);
    const commit = res.headers.get('x-repo-commit');
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const next = new URL(location, url);
      if (next.origin === new URL(url).origin && !res.headers.get('x-linked-etag')) {
        url = next.href;
        continue;
      }
    } else if (!res.ok) {
      return { remote: null, commit, status: res.status, error: describeError(res) };
    }
    const linked = normalizeEtag(res.headers.get('x-linked-etag'));
    const etag = linked ?? normalizeEtag(res.headers.get('etag'));
    if (!commit || !isCommitHash(commit)) fail('DownloadFailed', `${what}: the server sent no X-Repo-Commit header (${url}); is ${ctx.endpoint} a Hugging Face hub?`);
    if (!etag || !/^[A-Za-z0-9._-]+$/.test(etag)) fail('DownloadFailed', `${what}: the server sent no usable ETag (${url})`);
    const sizeHeader = linked ? res.headers.get('x-linked-size') : res.headers.get('content-length');
    const expected: ExpectedContent = {};
    if (sizeHeader && /^\d+$/.test(sizeHeader)) expected.size = Number(sizeHeader);
    if (/^[0-9a-f]{64}$/.test(etag)) expected.sha256 = etag;
    else if (/^[0-9a-f]{40}$/.test(etag)) expected.gitSha1 = etag;
    return { remote: { commit, etag, expected, url }, commit, status: res.status, error: '' };
  }
  fail('DownloadFailed', `${what}: too many redirects (${url})`);
}

/** Fetches one file into the cache; false when it does not exist upstream and is optional. */
async function fetchFile(ctx: Context, revision: string, file: string, required: boolean): Promise<{ commit: string | null; found: boolean }> {
  const { remote, commit, status, error } = await headFile(ctx, revision, file);
  if (!remote) {
    if (status === 404 && !required) {
      if (commit && isCommitHash(commit)) ctx.cache.markMissing(commit, file);
      return { commit, found: false };
    }
    fail('DownloadFailed', `${ctx.repoId}: ${file} (revision ${ctx.revision}): ${error}`);
  }
  const blob = ctx.cache.blobPath(remote.etag);
  if (!fs.existsSync(blob)) {
    let pending = inflight.get(blob);
    if (!pending) {
      const download = () =>
        downloadVerified({
          url: remote.url,
          headers: ctx.headers,
          dest: blob,
          expected: remote.expected,
          what: `${ctx.repoId}: ${file}`,
          retries: ctx.retries,
          idleTimeoutMs: ctx.idleTimeoutMs,
          onProgress: ctx.onProgress && ((bytes, total) => ctx.onProgress!({ file, bytes, total })),
        });
      // Another process may have finished the blob while this one waited for the lock.
      pending = withFileLock(ctx.cache.lockPath(remote.etag), async () => (fs.existsSync(blob) ? undefined : download())).finally(() => inflight.delete(blob));
      inflight.set(blob, pending);
    }
    await pending;
  }
  ctx.cache.link(remote.commit, file, remote.etag);
  return { commit: remote.commit, found: true };
}

/** Files of a cached snapshot that `resolveModel` still needs: required ones, then the weights. */
function missingFiles(cache: RepoCache, commit: string, required: readonly string[], withWeights: boolean): string[] {
  const missing = required.filter((f) => !cache.has(commit, f));
  if (!withWeights || cache.has(commit, SINGLE_WEIGHTS)) return missing;
  if (!cache.has(commit, SHARD_INDEX)) return [...missing, SINGLE_WEIGHTS];
  return [...missing, ...readShardIndex(`${cache.snapshotDir(commit)}/${SHARD_INDEX}`).filter((f) => !cache.has(commit, f))];
}

/**
 * A local directory holding a model's files. An existing directory is returned as is; a Hugging Face
 * model id ("gpt2", "org/name") is looked up in the hub cache (the layout huggingface_hub uses, so both
 * share downloads) and, when files are missing, downloaded from
 * `${HF_ENDPOINT ?? 'https://huggingface.co'}/<id>/resolve/<revision>/<file>`: `config.json`, the
 * weights (`model.safetensors`, or `model.safetensors.index.json` and its shards) and whichever
 * tokenizer files exist. Downloads resume after an interruption (HTTP Range), are checked against the
 * hub's sha256 (large files) or git sha1 and size, and appear in the cache only once complete. A revision
 * already in the cache is served without any request (`refresh: true` asks the hub for the revision's
 * current commit); with HF_HUB_OFFLINE=1 only the cache is used.
 *
 * @returns the snapshot directory (`<cache>/models--org--name/snapshots/<commit>`).
 * @throws LmkitError 'DownloadFailed' (HTTP errors, unreachable hub, corrupt download), 'NotCached'
 *   (offline and missing), 'InvalidArgument' (not a directory nor a valid id).
 */
export async function resolveModel(idOrDir: string, opts: ResolveModelOptions = {}): Promise<string> {
  if (fs.existsSync(idOrDir)) {
    if (fs.statSync(idOrDir).isDirectory()) return idOrDir;
    fail('InvalidArgument', `resolveModel: ${idOrDir} is a file; expected a model directory or a Hugging Face model id`);
  }
  checkRepoId(idOrDir);
  const revision = opts.revision ?? 'main';
  checkRelativePath('revision', revision);
  const explicit = opts.files !== undefined;
  const required = opts.files ?? ['config.json'];
  const optional = explicit ? [] : [...OPTIONAL_MODEL_FILES];
  for (const f of required) checkRelativePath('file name', f);
  const cache = new RepoCache(hubCacheDir(opts.cacheDir), idOrDir);

  const known = opts.refresh && !isOffline() ? null : cache.commitFor(revision);
  const missing = known ? missingFiles(cache, known, required, !explicit) : [...required, ...(explicit ? [] : [SINGLE_WEIGHTS])];
  const unresolved = (commit: string | null) => optional.filter((f) => !commit || (!cache.has(commit, f) && !cache.isMarkedMissing(commit, f)));
  if (known && missing.length === 0 && (isOffline() || unresolved(known).length === 0)) return cache.snapshotDir(known);
  if (isOffline()) {
    fail('NotCached', `resolveModel: ${idOrDir} (revision ${revision}) is not in the cache at ${cache.dir} (missing ${missing.join(', ')}), and HF_HUB_OFFLINE=1 forbids downloading`);
  }

  const token = opts.token ?? process.env.HF_TOKEN;
  const ctx: Context = {
    repoId: idOrDir,
    revision,
    endpoint: (opts.endpoint ?? process.env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, ''),
    headers: { 'user-agent': 'lmkit', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    cache,
    retries: opts.retries ?? 3,
    idleTimeoutMs: opts.idleTimeoutMs ?? 60_000,
    onProgress: opts.onProgress,
  };
  // Once the revision is pinned to a commit, every file comes from that commit, even if the branch moves.
  let commit = known;
  const get = async (file: string, isRequired: boolean): Promise<boolean> => {
    if (commit && cache.has(commit, file)) return true;
    if (commit && !isRequired && cache.isMarkedMissing(commit, file)) return false;
    const got = await fetchFile(ctx, commit ?? revision, file, isRequired);
    if (!commit && got.commit && isCommitHash(got.commit)) commit = got.commit;
    if (got.found && commit) cache.writeRef(revision, commit);
    return got.found;
  };
  for (const file of required) await get(file, true);
  if (!explicit && !(await get(SINGLE_WEIGHTS, false))) {
    if (!(await get(SHARD_INDEX, false))) {
      fail('DownloadFailed', `${idOrDir}: neither ${SINGLE_WEIGHTS} nor ${SHARD_INDEX} exists (revision ${revision}, HTTP 404); lmkit reads safetensors weights only`);
    }
    for (const shard of readShardIndex(`${cache.snapshotDir(commit!)}/${SHARD_INDEX}`)) await get(shard, true);
  }
  for (const file of unresolved(commit)) await get(file, false);
  if (!commit) fail('DownloadFailed', `${idOrDir}: could not determine the commit of revision ${revision}`);
  return cache.snapshotDir(commit);
}
