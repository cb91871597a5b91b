import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { LmkitError } from '../errors.js';
import { randn } from '../tensor/create.js';
import { Generator } from '../tensor/random.js';
import { sharedDir, SHARED_MISSING } from '../testing/shared.js';
import { resolveModel } from './hub.js';
import { loadModelWeights } from './model-files.js';
import { loadSafetensors, serializeSafetensors } from './safetensors.js';

const SHARED = sharedDir();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-hub-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const COMMIT = crypto.createHash('sha1').update('lmkit test commit').digest('hex');
const sha256 = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');
const gitSha1 = (b: Uint8Array) => crypto.createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

/** Repositories the fake hub serves: repo id → file name → bytes. Files of 1 KiB or more are "LFS". */
const repos = new Map<string, Map<string, Uint8Array>>();
const g = new Generator(7);
const weights = serializeSafetensors({ 'wte.weight': randn([64, 32], { generator: g }), 'wpe.weight': randn([16, 32], { generator: g }) }, { format: 'pt' });
repos.set('org/tiny', new Map<string, Uint8Array>([
  ['config.json', Buffer.from(JSON.stringify({ model_type: 'gpt2', n_embd: 32 }))],
  ['model.safetensors', weights],
  ['tokenizer.json', Buffer.from('{"version":"1.0"}')],
]));

const shard1 = serializeSafetensors({ 'a.weight': randn([40, 10], { generator: g }) });
const shard2 = serializeSafetensors({ 'b.weight': randn([30, 10], { generator: g }), 'b.bias': randn([10], { generator: g }) });
const shardIndex = { metadata: { total_size: 2040 }, weight_map: { 'a.weight': 'model-00001-of-00002.safetensors', 'b.weight': 'model-00002-of-00002.safetensors', 'b.bias': 'model-00002-of-00002.safetensors' } };
repos.set('org/sharded', new Map<string, Uint8Array>([
  ['config.json', Buffer.from('{"model_type":"gpt2"}')],
  ['model.safetensors.index.json', Buffer.from(JSON.stringify(shardIndex))],
  ['model-00001-of-00002.safetensors', shard1],
  ['model-00002-of-00002.safetensors', shard2],
]));
repos.set('org/bin-only', new Map<string, Uint8Array>([['config.json', Buffer.from('{}')], ['pytorch_model.bin', new Uint8Array(2000)]]));

interface Logged { method: string; url: string; range?: string }
const state = { commit: COMMIT, log: [] as Logged[], cutAfter: null as number | null, corrupt: false, unavailable: 0, stall: false };

function lfsBlob(sha: string): Uint8Array | undefined {
  for (const files of repos.values()) for (const b of files.values()) if (b.length >= 1024 && sha256(b) === sha) return b;
  return undefined;
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url!, 'http://x');
  state.log.push({ method: req.method!, url: url.pathname, range: req.headers.range });
  const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(url.pathname);
  if (cdn) {
    const blob = lfsBlob(cdn[1]);
    if (!blob) return void res.writeHead(404).end();
    if (state.unavailable > 0) {
      state.unavailable--;
      return void res.writeHead(503).end();
    }
    let body = Buffer.from(blob);
    if (state.corrupt) body[body.length >> 1] ^= 0xff;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    res.writeHead(range ? 206 : 200, {
      'content-length': body.length - start,
      ...(range ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    if (state.stall) {
      state.stall = false;
      res.write(body.subarray(start, start + 100)); // then nothing more: the client must give up
      return;
    }
    if (state.cutAfter !== null) {
      const cut = state.cutAfter;
      state.cutAfter = null;
      res.write(body.subarray(start, cut), () => res.socket?.destroy());
      return;
    }
    return void res.end(body.subarray(start));
  }
  const renamed = /^\/old-org\/tiny\/(.*)$/.exec(url.pathname);
  if (renamed) return void res.writeHead(307, { location: `/org/tiny/${renamed[1]}` }).end();
  const m = /^\/([^/]+\/[^/]+|[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
  const files = m && repos.get(m[1]);
  if (!m || !files) return void res.writeHead(401, { 'x-error-code': 'RepositoryNotFound' }).end();
  if (m[2] !== 'main' && m[2] !== state.commit) return void res.writeHead(404, { 'x-error-code': 'RevisionNotFound' }).end();
  const file = decodeURIComponent(m[3]);
  const body = files.get(file);
  if (!body) return void res.writeHead(404, { 'x-error-code': 'EntryNotFound', 'x-repo-commit': state.commit }).end();
  if (body.length >= 1024) {
    const sha = sha256(body);
    const { port } = server.address() as AddressInfo;
    return void res
      .writeHead(302, { location: `http://127.0.0.1:${port}/cdn/${sha}`, 'x-linked-etag': `"${sha}"`, 'x-linked-size': String(body.length), 'x-repo-commit': state.commit, etag: `"${gitSha1(body)}"` })
      .end();
  }
  res.writeHead(200, { etag: `"${gitSha1(body)}"`, 'x-repo-commit': state.commit, 'content-length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
});

const requests = () => state.log.map((l) => `${l.method} ${l.url}`);

let endpoint = '';
before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  state.log = [];
  state.cutAfter = null;
  state.corrupt = false;
  state.unavailable = 0;
  state.stall = false;
  state.commit = COMMIT;
  delete process.env.HF_HUB_OFFLINE;
});

let caches = 0;
const freshCache = () => path.join(tmp, `cache-${caches++}`);

test('downloads a model into the Hugging Face cache layout, then serves it from the cache without requests', async () => {
  const cacheDir = freshCache();
  const dir = await resolveModel('org/tiny', { cacheDir, endpoint });
  const repo = path.join(cacheDir, 'models--org--tiny');
  assert.equal(dir, path.join(repo, 'snapshots', COMMIT));
  assert.equal(fs.readFileSync(path.join(repo, 'refs', 'main'), 'utf8'), COMMIT);
  for (const [name, bytes] of repos.get('org/tiny')!) {
    assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(dir, name))), new Uint8Array(bytes), name);
    const link = fs.readlinkSync(path.join(dir, name));
    assert.ok(!path.isAbsolute(link), 'snapshot links are relative');
  }
  assert.deepEqual(fs.readdirSync(path.join(repo, 'blobs')).sort(), [...repos.get('org/tiny')!.values()].map((b) => (b.length >= 1024 ? sha256(b) : gitSha1(b))).sort());
  assert.ok(fs.existsSync(path.join(repo, '.no_exist', COMMIT, 'vocab.txt')), 'optional 404s are remembered');
  assert.deepEqual(loadSafetensors(path.join(dir, 'model.safetensors')).tensors.get('wte.weight')!.shape, [64, 32]);
  // The large file was fetched through the redirect to the storage host.
  assert.ok(state.log.some((l) => l.method === 'GET' && l.url.startsWith('/cdn/')));

  state.log = [];
  assert.equal(await resolveModel('org/tiny', { cacheDir, endpoint }), dir);
  assert.deepEqual(state.log, []);
  process.env.HF_HUB_OFFLINE = '1';
  assert.equal(await resolveModel('org/tiny', { cacheDir, endpoint, revision: COMMIT }), dir);
  assert.deepEqual(state.log, []);
});

test('an interrupted download resumes with a Range request on the next call', async () => {
  const cacheDir = freshCache();
  state.cutAfter = 5000;
  await assert.rejects(resolveModel('org/tiny', { cacheDir, endpoint, retries: 0 }), (e: unknown) => {
    assert.ok(e instanceof LmkitError && e.code === 'DownloadFailed', String(e));
    assert.match(e.message, /^org\/tiny: model\.safetensors: connection lost after 5000 bytes/);
    assert.match(e.message, /next attempt resumes/);
    return true;
  });
  const blobs = path.join(cacheDir, 'models--org--tiny', 'blobs');
  assert.equal(fs.statSync(path.join(blobs, `${sha256(weights)}.incomplete`)).size, 5000);
  assert.ok(!fs.existsSync(path.join(blobs, sha256(weights))), 'no blob before it is complete');

  state.log = [];
  const dir = await resolveModel('org/tiny', { cacheDir, endpoint });
  assert.deepEqual(state.log.filter((l) => l.url.startsWith('/cdn/')).map((l) => l.range), ['bytes=5000-']);
  assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(dir, 'model.safetensors'))), weights);
  assert.deepEqual(fs.readdirSync(blobs).filter((f) => f.endsWith('.incomplete')), []);
});

test('a dropped connection is resumed within the same call', async () => {
  const cacheDir = freshCache();
  state.cutAfter = 3000;
  const dir = await resolveModel('org/tiny', { cacheDir, endpoint, files: ['model.safetensors'] });
  assert.deepEqual(state.log.filter((l) => l.url.startsWith('/cdn/')).map((l) => l.range), [undefined, 'bytes=3000-']);
  assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(dir, 'model.safetensors'))), weights);
});

test('a 503 answer is retried, and a stalled transfer is abandoned, then resumed', async () => {
  state.unavailable = 1;
  const cacheDir = freshCache();
  await resolveModel('org/tiny', { cacheDir, endpoint, files: ['model.safetensors'] });
  assert.equal(state.log.filter((l) => l.url.startsWith('/cdn/')).length, 2);

  state.stall = true;
  const other = freshCache();
  await assert.rejects(resolveModel('org/tiny', { cacheDir: other, endpoint, files: ['model.safetensors'], retries: 0, idleTimeoutMs: 300 }), /connection lost after 100 bytes \(no data for 300 ms\)/);
  state.log = [];
  const dir = await resolveModel('org/tiny', { cacheDir: other, endpoint, files: ['model.safetensors'] });
  assert.deepEqual(state.log.filter((l) => l.url.startsWith('/cdn/')).map((l) => l.range), ['bytes=100-']);
  assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(dir, 'model.safetensors'))), weights);
});

test('refresh picks up a new commit of the branch, reusing unchanged blobs', async () => {
  const cacheDir = freshCache();
  const before = await resolveModel('org/tiny', { cacheDir, endpoint });
  const files = repos.get('org/tiny')!;
  const oldConfig = files.get('config.json')!;
  state.commit = crypto.createHash('sha1').update('second commit').digest('hex');
  files.set('config.json', Buffer.from('{"model_type":"gpt2","n_embd":32,"n_layer":2}'));
  try {
    assert.equal(await resolveModel('org/tiny', { cacheDir, endpoint }), before, 'without refresh the cached commit is used');
    state.log = [];
    const after = await resolveModel('org/tiny', { cacheDir, endpoint, refresh: true });
    assert.equal(after, path.join(cacheDir, 'models--org--tiny', 'snapshots', state.commit));
    assert.equal(JSON.parse(fs.readFileSync(path.join(after, 'config.json'), 'utf8')).n_layer, 2);
    assert.equal(JSON.parse(fs.readFileSync(path.join(before, 'config.json'), 'utf8')).n_layer, undefined);
    assert.deepEqual(state.log.filter((l) => l.method === 'GET').map((l) => l.url), [`/org/tiny/resolve/main/config.json`]);
    assert.equal(fs.readFileSync(path.join(cacheDir, 'models--org--tiny', 'refs', 'main'), 'utf8'), state.commit);
  } finally {
    files.set('config.json', oldConfig);
  }
});

test('concurrent calls share one download, and a download locked by another process is waited for', async () => {
  const cacheDir = freshCache();
  const [a, b] = await Promise.all([1, 2].map(() => resolveModel('org/tiny', { cacheDir, endpoint, files: ['model.safetensors'] })));
  assert.equal(a, b);
  assert.equal(state.log.filter((l) => l.url.startsWith('/cdn/')).length, 1);

  // Another process (a live pid) holds the lock; when it finishes the blob, this call uses it as is.
  const other = freshCache();
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  try {
    const lock = path.join(other, '.locks', 'models--org--tiny', `${sha256(weights)}.lmkit.lock`);
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    fs.writeFileSync(lock, String(child.pid));
    state.log = [];
    const waiting = resolveModel('org/tiny', { cacheDir: other, endpoint, files: ['model.safetensors'] });
    await new Promise((r) => setTimeout(r, 500));
    const blob = path.join(other, 'models--org--tiny', 'blobs', sha256(weights));
    fs.mkdirSync(path.dirname(blob), { recursive: true });
    fs.writeFileSync(blob, weights);
    fs.rmSync(lock);
    const dir = await waiting;
    assert.deepEqual(requests(), [`HEAD /org/tiny/resolve/main/model.safetensors`]);
    assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(dir, 'model.safetensors'))), weights);
  } finally {
    child.kill();
  }
});

test('a corrupted download is rejected by the hash check and deleted', async () => {
  const cacheDir = freshCache();
  state.corrupt = true;
  await assert.rejects(resolveModel('org/tiny', { cacheDir, endpoint }), (e: unknown) => {
    assert.ok(e instanceof LmkitError && e.code === 'DownloadFailed', String(e));
    assert.match(e.message, new RegExp(`^org/tiny: model\\.safetensors: downloaded file is corrupt \\(sha256 mismatch: expected ${sha256(weights)}, got [0-9a-f]{64}\\)`));
    return true;
  });
  const repo = path.join(cacheDir, 'models--org--tiny');
  assert.deepEqual(fs.readdirSync(path.join(repo, 'blobs')).filter((f) => f.startsWith(sha256(weights))), []);
  assert.ok(!fs.existsSync(path.join(repo, 'snapshots', COMMIT, 'model.safetensors')));
  // The next call, with a healthy server, completes the snapshot.
  state.corrupt = false;
  const dir = await resolveModel('org/tiny', { cacheDir, endpoint });
  assert.deepEqual(new Uint8Array(fs.readFileSync(path.join(dir, 'model.safetensors'))), weights);
});

test('a missing required file is an error naming the id, file and HTTP status', async () => {
  const cacheDir = freshCache();
  await assert.rejects(resolveModel('org/tiny', { cacheDir, endpoint, files: ['config.json', 'pytorch_model.bin'] }), (e: unknown) => {
    assert.ok(e instanceof LmkitError && e.code === 'DownloadFailed');
    assert.equal(e.message, 'org/tiny: pytorch_model.bin (revision main): HTTP 404 Not Found (EntryNotFound)');
    return true;
  });
  await assert.rejects(resolveModel('nobody/nothing', { cacheDir, endpoint }), /nobody\/nothing: config\.json \(revision main\): HTTP 401 Unauthorized \(RepositoryNotFound\) \(the repository may be private or gated/);
  await assert.rejects(resolveModel('org/tiny', { cacheDir, endpoint, revision: 'v9' }), /org\/tiny: config\.json \(revision v9\): HTTP 404 Not Found \(RevisionNotFound\)/);
});

test('an unreachable hub is an error naming the file and the address', async () => {
  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  await assert.rejects(resolveModel('org/tiny', { cacheDir: freshCache(), endpoint: `http://127.0.0.1:${port}`, retries: 1 }), (e: unknown) => {
    assert.ok(e instanceof LmkitError && e.code === 'DownloadFailed');
    assert.match(e.message, new RegExp(`^org/tiny: config\\.json: cannot reach http://127\\.0\\.0\\.1:${port}/org/tiny/resolve/main/config\\.json \\(.*ECONNREFUSED.*\\); set HF_HUB_OFFLINE=1`));
    return true;
  });
});

test('offline mode uses the cache only, with a clear error when the model is not there', async () => {
  process.env.HF_HUB_OFFLINE = '1';
  const cacheDir = freshCache();
  await assert.rejects(resolveModel('org/tiny', { cacheDir, endpoint }), (e: unknown) => {
    assert.ok(e instanceof LmkitError && e.code === 'NotCached');
    assert.match(e.message, /org\/tiny \(revision main\) is not in the cache at .*models--org--tiny \(missing config\.json, model\.safetensors\), and HF_HUB_OFFLINE=1 forbids downloading/);
    return true;
  });
  assert.deepEqual(state.log, []);
});

test('follows relative redirects of renamed repositories', async () => {
  const cacheDir = freshCache();
  const dir = await resolveModel('old-org/tiny', { cacheDir, endpoint, files: ['config.json'] });
  assert.equal(dir, path.join(cacheDir, 'models--old-org--tiny', 'snapshots', COMMIT));
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).model_type, 'gpt2');
});

test('honours HF_ENDPOINT and HF_HUB_CACHE; returns local directories as they are; refuses bad ids', async () => {
  const cacheDir = freshCache();
  process.env.HF_ENDPOINT = endpoint;
  process.env.HF_HUB_CACHE = cacheDir;
  try {
    const dir = await resolveModel('org/tiny', { files: ['config.json'] });
    assert.equal(dir, path.join(cacheDir, 'models--org--tiny', 'snapshots', COMMIT));
  } finally {
    delete process.env.HF_ENDPOINT;
    delete process.env.HF_HUB_CACHE;
  }
  assert.equal(await resolveModel(tmp), tmp);
  const aFile = path.join(tmp, 'model.safetensors');
  fs.writeFileSync(aFile, '');
  await assert.rejects(resolveModel(aFile), /is a file; expected a model directory or a Hugging Face model id/);
  await assert.rejects(resolveModel('../etc/passwd'), (e: unknown) => e instanceof LmkitError && e.code === 'InvalidArgument' && /neither an existing directory nor a Hugging Face model id/.test(e.message));
  await assert.rejects(resolveModel('org/tiny', { files: ['../x'], cacheDir, endpoint }), /invalid file name "\.\.\/x"/);
});

test('downloads the gpt2-tiny fixture checkpoint', { skip: SHARED ? false : SHARED_MISSING }, async () => {
  const fixture = path.join(SHARED!, 'fixtures/torch/gpt2-tiny');
  repos.set('fixtures/gpt2-tiny', new Map(fs.readdirSync(fixture).map((f) => [f, new Uint8Array(fs.readFileSync(path.join(fixture, f)))])));
  const cacheDir = freshCache();
  const dir = await resolveModel('fixtures/gpt2-tiny', { cacheDir, endpoint });
  const loaded = loadSafetensors(path.join(dir, 'model.safetensors'));
  const original = loadSafetensors(path.join(fixture, 'model.safetensors'));
  assert.equal(loaded.tensors.size, original.tensors.size);
  for (const [k, t] of original.tensors) assert.deepEqual(loaded.tensors.get(k)!.dense(), t.dense(), k);
  assert.ok(!fs.existsSync(path.join(dir, 'expected.safetensors')), 'only model files are fetched');
});

test('downloads sharded weights listed by model.safetensors.index.json, reporting progress', async () => {
  const cacheDir = freshCache();
  const seen = new Map<string, { bytes: number; total?: number }>();
  const dir = await resolveModel('org/sharded', { cacheDir, endpoint, onProgress: (p) => seen.set(p.file, p) });
  const weights = loadModelWeights(dir);
  assert.deepEqual([...weights.tensors.keys()].sort(), ['a.weight', 'b.bias', 'b.weight']);
  assert.deepEqual(weights.tensors.get('a.weight')!.shape, [40, 10]);
  assert.deepEqual(seen.get('model-00001-of-00002.safetensors'), { file: 'model-00001-of-00002.safetensors', bytes: shard1.length, total: shard1.length });
  assert.ok(fs.existsSync(path.join(cacheDir, 'models--org--sharded', '.no_exist', COMMIT, 'model.safetensors')));

  state.log = [];
  assert.equal(await resolveModel('org/sharded', { cacheDir, endpoint }), dir);
  assert.deepEqual(state.log, []);
  // A lost snapshot link is restored from its blob after one HEAD; a lost blob is fetched again, and only it.
  const shard = `/org/sharded/resolve/${COMMIT}/model-00002-of-00002.safetensors`;
  fs.rmSync(path.join(dir, 'model-00002-of-00002.safetensors'));
  await resolveModel('org/sharded', { cacheDir, endpoint });
  assert.deepEqual(requests(), [`HEAD ${shard}`]);
  state.log = [];
  fs.rmSync(path.join(cacheDir, 'models--org--sharded', 'blobs', sha256(shard2)));
  await resolveModel('org/sharded', { cacheDir, endpoint });
  assert.deepEqual(requests(), [`HEAD ${shard}`, `GET ${shard}`, `GET /cdn/${sha256(shard2)}`]);
  assert.equal(loadModelWeights(dir).tensors.size, 3);
});

test('a repository without safetensors weights is an error saying so', async () => {
  await assert.rejects(resolveModel('org/bin-only', { cacheDir: freshCache(), endpoint }), (e: unknown) => {
    assert.ok(e instanceof LmkitError && e.code === 'DownloadFailed');
    assert.equal(e.message, 'org/bin-only: neither model.safetensors nor model.safetensors.index.json exists (revision main, HTTP 404); lmkit reads safetensors weights only');
    return true;
  });
});
