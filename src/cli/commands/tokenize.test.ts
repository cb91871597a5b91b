import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SHARED_MISSING, sharedDir } from '../../testing/shared.js';

const shared = sharedDir();
const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'main.js');
const dir = shared ? path.join(shared, 'fixtures', 'tokenizers') : '';

test('lmkit tokenize --jsonl matches every case (GPT-2 without, BERT with special tokens)', { skip: shared ? false : SHARED_MISSING }, () => {
  const casesFile = path.join(dir, 'cases.jsonl');
  const cases = fs
    .readFileSync(casesFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  const run = (name: string) =>
    execFileSync(process.execPath, [main, 'tokenize', '--tokenizer', path.join(dir, name), '--jsonl', casesFile], { encoding: 'utf8' })
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
  const gpt2 = run('gpt2');
  const bert = run('bert-base-uncased');
  assert.equal(gpt2.length, cases.length);
  cases.forEach((c, i) => {
    assert.deepEqual(gpt2[i].ids, c.gpt2, c.text);
    assert.deepEqual(bert[i].ids, c.bert_base_uncased, c.text);
    assert.deepEqual(bert[i].tokens, c.bert_base_uncased_tokens, c.text);
  });
});

test('lmkit tokenize and prepare: bad flags and bad input files', { skip: shared ? false : SHARED_MISSING }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-cli-tok-'));
  const bad = path.join(tmp, 'bad.jsonl');
  fs.writeFileSync(bad, '{"text": "ok"}\n{"txt": "no"}\n');
  const r = spawnSync(process.execPath, [main, 'tokenize', '--tokenizer', path.join(dir, 'gpt2'), '--jsonl', bad], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bad\.jsonl: line 2: expected an object with a string field "text"/);
  const u = spawnSync(process.execPath, [main, 'tokenize', '--tokenizer', path.join(dir, 'gpt2')], { encoding: 'utf8' });
  assert.equal(u.status, 2);
  assert.match(u.stderr, /exactly one of --jsonl FILE or --text TEXT/);
  const p = spawnSync(process.execPath, [main, 'prepare', '--data', bad, '--tokenizer', 'bpe:x', '--out', tmp], { encoding: 'utf8' });
  assert.equal(p.status, 2);
  assert.match(p.stderr, /--tokenizer expects char, bpe:VOCAB or an existing folder, got "bpe:x"/);
  const text = path.join(tmp, 'in.txt');
  fs.writeFileSync(text, 'hello world\n'.repeat(50));
  const ok = spawnSync(process.execPath, [main, 'prepare', '--data', text, '--tokenizer', 'char', '--out', path.join(tmp, 'out'), '--quiet'], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout).vocab_size, 9);
  const one = execFileSync(process.execPath, [main, 'tokenize', '--tokenizer', path.join(tmp, 'out'), '--text', 'hello'], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(one).tokens, ['h', 'e', 'l', 'l', 'o']);
  fs.rmSync(tmp, { recursive: true, force: true });
});
