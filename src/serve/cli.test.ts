import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { saveModel } from '../models/auto.js';
import { charTok, tinyGpt } from './test-models.test-util.js';

const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../cli/main.js');

function modelDir(t: TestContext): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-serve-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  saveModel(path.join(dir, 'tiny-zh'), tinyGpt(), charTok());
  return path.join(dir, 'tiny-zh');
}

test('lmkit serve: starts on an ephemeral port, answers, and stops on SIGTERM', async (t) => {
  const child = spawn(process.execPath, [cli, 'serve', '--model', modelDir(t), '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address printed within 20 s (stderr: ${err})`)), 20_000);
      child.stdout.on('data', (d) => {
        out += d;
        const m = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on('exit', () => reject(new Error(`exited early: ${err}`)));
    });
    assert.match(out, /model 'tiny-zh'/, 'the folder name is the model name');
    assert.equal((await (await fetch(`${url}/health`)).json()).model, 'tiny-zh');
    const res = await fetch(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ model: 'tiny-zh', prompt: '你好', max_tokens: 8, seed: 1 }) });
    const json = await res.json();
    assert.equal(res.status, 200, JSON.stringify(json));
    assert.equal([...json.choices[0].text].length, 8);
    assert.ok(!json.choices[0].text.includes('\ufffd'));
  } finally {
    child.kill('SIGTERM');
  }
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 10_000))]);
  assert.equal(code, 0, 'a clean exit after SIGTERM');
});

test('lmkit serve: bad flags are usage errors', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-serve-bad-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cases: [string[], number, RegExp][] = [
    [['serve'], 2, /required option/],
    [['serve', '--model', dir, '--port', '70000'], 2, /--port must be at most 65535/],
    [['serve', '--model', dir, '--max-concurrency', '0'], 2, /--max-concurrency must be at least 1/],
    [['serve', '--model', path.join(dir, 'missing')], 1, /no config.json/],
  ];
  for (const [args, status, pattern] of cases) {
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
  }
});
