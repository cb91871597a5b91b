import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { sharedDir } from '../../testing/shared.js';

const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'main.js');
const lmkit = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

function tempFiles(files: Record<string, string>): { dir: string; file: (name: string) => string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-score-'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return { dir, file: (name) => path.join(dir, name) };
}

test('lmkit score bleu / chrf / rouge on small files', () => {
  const { dir, file } = tempFiles({
    'hyp.txt': 'the cat sat on the mat\nhello world\n',
    'ref.txt': 'the cat is on the mat\nhello there world\n',
    'hyp_zh.txt': '猫坐在垫子上\n',
    'ref_zh.txt': '猫在垫子上\n',
    'crlf.txt': 'a b\r\nc d\r\n',
    'lone_cr.txt': 'a b\nc\rd\n',
  });
  // \r\n ends a line; a lone \r is whitespace inside a line (as sacreBLEU reads files)
  const crlf = lmkit('score', 'bleu', '--refs', file('lone_cr.txt'), '--hyps', file('crlf.txt'), '--json');
  assert.equal(crlf.status, 0, crlf.stderr);
  assert.deepEqual(JSON.parse(crlf.stdout).counts, [4, 2, 0, 0]);
  // by hand: unigrams 7/8, bigrams 3/6, trigrams 1/4, 4-grams 0/3 → 100/(2·3); BP = exp(1 - 9/8)
  const bleu = lmkit('score', 'bleu', '--refs', file('ref.txt'), '--hyps', file('hyp.txt'));
  assert.equal(bleu.status, 0, bleu.stderr);
  assert.match(bleu.stdout, /^BLEU\|nrefs:1\|case:mixed\|eff:no\|tok:13a\|smooth:exp\|version:lmkit-[^ ]+ = 32\.43 87\.5\/50\.0\/25\.0\/16\.7 \(BP = 0\.882 ratio = 0\.889 hyp_len = 8 ref_len = 9\)\n$/);
  const json = JSON.parse(lmkit('score', 'bleu', '--refs', file('ref.txt'), file('ref.txt'), '--hyps', file('hyp.txt'), '--json').stdout);
  assert.deepEqual([json.counts, json.totals, json.sys_len, json.ref_len], [[7, 3, 1, 0], [8, 6, 4, 3], 8, 9]);
  assert.match(json.signature, /^nrefs:2\|/);
  const chrf = lmkit('score', 'chrf', '--refs', file('ref.txt'), '--hyps', file('hyp.txt'), '--word-order', '2');
  assert.match(chrf.stdout, /^chrF2\+\+\|nrefs:1\|case:mixed\|eff:yes\|nc:6\|nw:2\|space:no\|version:lmkit-\S+ = \d+\.\d\d\n$/);
  const zh = JSON.parse(lmkit('score', 'rouge', '--refs', file('ref_zh.txt'), '--hyps', file('hyp_zh.txt'), '--rouge-tokenizer', 'cjk', '--types', 'rouge1,rougeL', '--json').stdout);
  assert.ok(Math.abs(zh.rouge1.fmeasure - 10 / 11) < 1e-12 && Math.abs(zh.rougeL.recall - 1) < 1e-12);
  assert.equal(zh.rouge2, undefined);
  const text = lmkit('score', 'rouge', '--refs', file('ref.txt'), '--hyps', file('hyp.txt'), '--stem');
  assert.deepEqual(text.stdout.trimEnd().split('\n').map((l) => l.split(/\s+/)[0]), ['rouge1', 'rouge2', 'rougeL', 'rougeLsum']);
  const boot = JSON.parse(lmkit('score', 'rouge', '--refs', file('ref.txt'), '--hyps', file('hyp.txt'), '--types', 'rouge1', '--bootstrap', '200', '--json').stdout);
  assert.ok(boot.bootstrap.rouge1.low.fmeasure <= boot.rouge1.fmeasure && boot.rouge1.fmeasure <= boot.bootstrap.rouge1.high.fmeasure);
  // --sentence-level: one line per segment; sentence BLEU of "hello world" vs "hello there world" by hand:
  // 2/2 unigrams, 0/1 bigrams → exp smoothing 100/(2·1); effective order 2; BP = exp(1 - 3/2)
  const lines = lmkit('score', 'bleu', '--refs', file('ref.txt'), '--hyps', file('hyp.txt'), '--sentence-level', '--json').stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 2);
  assert.ok(Math.abs(lines[1].score - Math.exp(-0.5) * Math.sqrt(100 * 50)) < 1e-9, String(lines[1].score));
  assert.match(lines[1].signature, /\|eff:yes\|/);
  const rougeLines = lmkit('score', 'rouge', '--refs', file('ref_zh.txt'), '--hyps', file('hyp_zh.txt'), '--rouge-tokenizer', 'cjk', '--sentence-level').stdout;
  assert.equal(rougeLines, 'rouge1 0.9091  rouge2 0.6667  rougeL 0.9091  rougeLsum 0.9091\n');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('lmkit score bleu reproduces a sacreBLEU fixture line from files', { skip: sharedDir() ? false : 'shared fixtures not found' }, () => {
  const line = fs.readFileSync(path.join(sharedDir()!, 'fixtures', 'metrics', 'bleu_cases.jsonl'), 'utf8').split('\n').find((l) => l.includes('"drop40"'));
  assert.ok(line, 'drop40 case missing');
  const c = JSON.parse(line) as { hyps: string[]; refs: string[][]; bleu_str: string };
  const { dir, file } = tempFiles({ 'hyp.txt': `${c.hyps.join('\n')}\n`, 'ref.txt': `${c.refs[0].join('\n')}\n` });
  const r = lmkit('score', 'bleu', '--refs', file('ref.txt'), '--hyps', file('hyp.txt'));
  assert.equal(r.stdout.trimEnd().replace(/^BLEU\|\S+/, 'BLEU'), c.bleu_str);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('lmkit score: one-line usage errors (exit 2) for bad metrics, flags and files', () => {
  const { dir, file } = tempFiles({ 'a.txt': 'x\ny\n', 'b.txt': 'x\n' });
  const cases: [string[], RegExp][] = [
    [['score', 'meteor', '--refs', file('a.txt'), '--hyps', file('a.txt')], /score: metric expects one of bleu, chrf, rouge, got "meteor"/],
    [['score', 'bleu', '--refs', file('nope.txt'), '--hyps', file('a.txt')], /--refs: no such file .*nope\.txt/],
    [['score', 'bleu', '--refs', file('a.txt'), '--hyps', file('nope.txt')], /--hyps: no such file/],
    [['score', 'bleu', '--refs', file('b.txt'), '--hyps', file('a.txt')], /--refs: .*b\.txt has 1 lines, but --hyps .*a\.txt has 2/],
    [['score', 'bleu', '--refs', file('a.txt'), '--hyps', file('a.txt'), '--tokenize', 'spm'], /--tokenize expects one of 13a, intl, zh, char, none, got "spm"/],
    [['score', 'bleu', '--refs', file('a.txt'), '--hyps', file('a.txt'), '--stem'], /--stem applies to rouge, not bleu/],
    [['score', 'rouge', '--refs', file('a.txt'), '--hyps', file('a.txt'), '--types', 'rouge1,rougeX'], /--types expects a comma-separated list/],
    [['score', 'bleu', '--hyps', file('a.txt')], /required option '--refs <files\.\.\.>' not specified/],
  ];
  for (const [args, message] of cases) {
    const r = lmkit(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr.split('\n')[0], message);
  }
  fs.rmSync(dir, { recursive: true, force: true });
});
