import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Generator } from '../../tensor/random.js';
import { sharedDir } from '../../testing/shared.js';
import { GPT2_PATTERN } from './byte_level.js';
import { gpt2Words } from './gpt2_scanner.js';

function byRegex(text: string): string[] {
  return [...text.matchAll(new RegExp(GPT2_PATTERN.source, 'gu'))].map((m) => m[0]);
}

function byScanner(text: string): string[] {
  const out: string[] = [];
  gpt2Words(text, (s, e) => out.push(text.slice(s, e)));
  return out;
}

const ALPHABET = [..."aZé中😀1١٣ \t\n\r\u00a0\u3000\u2028'!?.,-_\u0301\ud800\udc00\ufeff", "'s", "'re", "'ll", "'ve", "'d", "'m", "'t", "'S"];

test('the GPT-2 scanner splits exactly like GPT2_PATTERN', () => {
  const g = new Generator(42);
  for (let i = 0; i < 5000; i++) {
    let s = '';
    const n = g.randint(0, 16);
    for (let k = 0; k < n; k++) s += ALPHABET[g.randint(0, ALPHABET.length)];
    assert.deepEqual(byScanner(s), byRegex(s), JSON.stringify(s));
  }
  const shared = sharedDir();
  if (shared) {
    for (const f of [path.join('tinyshakespeare', 'input.txt'), path.join('zh', 'fortunes-zh.txt')]) {
      const text = fs.readFileSync(path.join(shared, 'data', f), 'utf8').slice(0, 300_000);
      assert.deepEqual(byScanner(text), byRegex(text), f);
    }
  }
});
