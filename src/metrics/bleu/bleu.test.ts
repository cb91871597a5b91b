import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SHARED_MISSING, sharedDir } from '../../testing/shared.js';
import { corpusBleu, sentenceBleu } from './bleu.js';
import { corpusChrf } from './chrf.js';

const shared = sharedDir();

interface Case {
  name: string;
  hyps: string[];
  refs: string[][];
  bleu: number;
  bleu_str: string;
  chrf: number;
  sentence_bleu_first20: number[];
}

const close4 = (actual: number, expected: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= 5e-5 + 1e-12, `${what}: expected ${expected}, got ${actual}`);

test('sacreBLEU 2.6.0 fixtures: corpus BLEU, its printed form, chrF and sentence BLEU, every case', { skip: shared ? false : SHARED_MISSING }, () => {
  const file = path.join(shared!, 'fixtures', 'metrics', 'bleu_cases.jsonl');
  const cases: Case[] = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  assert.ok(cases.length > 0);
  for (const c of cases) {
    const bleu = corpusBleu(c.hyps, c.refs);
    close4(bleu.score, c.bleu, `${c.name} bleu`);
    assert.equal(bleu.formatted, c.bleu_str, c.name);
    close4(corpusChrf(c.hyps, c.refs).score, c.chrf, `${c.name} chrf`);
    c.sentence_bleu_first20.forEach((expected, i) => {
      const refs = c.refs.map((stream) => stream[i]);
      close4(sentenceBleu(c.hyps[i], refs).score, expected, `${c.name} sentence ${i}`);
    });
  }
});
