import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
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

/**
 * Runs `fn` against a local stand-in for the Hugging Face hub serving `files` as repository `repo` at one
 * commit (HEAD and GET of `/<repo>/resolve/<main or commit>/<file>`, with the hub's etag and commit
 * headers), with HF_ENDPOINT pointing to it and HF_HOME set to `home`; the environment is restored after.
 * `fn` gets the list of requests made so far.
 */
export async function withFakeHub(repo: string, files: Map<string, Buffer>, home: string, fn: (requests: string[]) => Promise<void>): Promise<void> {
  const commit = crypto.createHash('sha1').update(repo).digest('hex');
  const requests: string[] = [];
  const route = new RegExp(`^/${repo.replace('/', '\\/')}/resolve/([0-9a-z]+)/(.+)$`);
  const server = http.createServer((req, res) => {
    const m = route.exec(req.url ?? '');
    requests.push(`${req.method} ${req.url}`);
    const body = m && (m[1] === 'main' || m[1] === commit) ? files.get(decodeURIComponent(m[2])) : undefined;
    if (!body) return void res.writeHead(404, { 'x-repo-commit': commit }).end();
    const etag = crypto.createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
    res.writeHead(200, { etag: `"${etag}"`, 'x-repo-commit': commit, 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const saved = { HF_ENDPOINT: process.env.HF_ENDPOINT, HF_HOME: process.env.HF_HOME, HF_HUB_CACHE: process.env.HF_HUB_CACHE };
  try {
    process.env.HF_ENDPOINT = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.env.HF_HOME = home;
    delete process.env.HF_HUB_CACHE;
    await fn(requests);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await new Promise<void>((r) => server.close(() => r()));
  }
}
