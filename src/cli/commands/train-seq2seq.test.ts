import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadSeq2SeqModel } from '../../models/auto.js';
import { summarize } from '../../pipelines/translation.js';

const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'main.js');
const lmkit = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

test('lmkit train-seq2seq trains, saves and scores BLEU; lmkit translate/summarize read the folder; bad input is a one-line error', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-cli-s2s-'));
  try {
    const words = ['one', 'two', 'three', 'four', 'five'];
    const src = Array.from({ length: 60 }, (_, i) => `${words[i % 5]} ${words[(i * 3) % 5]}`);
    const tgt = src.map((s) => s.split(' ').reverse().join(' '));
    const file = (name: string, lines: string[]) => {
      fs.writeFileSync(path.join(tmp, name), `${lines.join('\n')}\n`);
      return path.join(tmp, name);
    };
    const [s, t, vs, vt] = [file('s', src), file('t', tgt), file('vs', src.slice(0, 5)), file('vt', tgt.slice(0, 5))];
    const out = path.join(tmp, 'model');
    const run = lmkit('train-seq2seq', '--src', s, '--tgt', t, '--val-src', vs, '--val-tgt', vt, '--tokenizer', 'bpe:300', '--d-model', '16',
      '--nhead', '2', '--encoder-layers', '1', '--decoder-layers', '1', '--dim-feedforward', '32', '--max-steps', '3', '--batch-size', '8',
      '--max-tokens', '8', '--out', out);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^trained 3 steps in [\d.]+ s; BLEU = [\d.]+ .*tok 13a.*; model in /);
    assert.equal(fs.readFileSync(path.join(out, 'val.hyp'), 'utf8').split('\n').length, 6);
    for (const command of ['translate', 'summarize']) {
      const tr = lmkit(command, '--model', out, '--num-beams', '2', '--max-new-tokens', '4', 'one two', 'three');
      assert.equal(tr.status, 0, tr.stderr);
      assert.equal(tr.stdout.split('\n').length, 3);
    }
    // decoding flags reach generation: the CLI prints what summarize() gives with the same options
    const { model, sourceTokenizer } = loadSeq2SeqModel(out);
    const api = (o: object) => `${summarize(model, { source: sourceTokenizer! }, ['one two'], { numBeams: 2, maxNewTokens: 6, ...o })[0]}\n`;
    const cli = (...flags: string[]) => {
      const r = lmkit('summarize', '--model', out, '--num-beams', '2', '--max-new-tokens', '6', ...flags, 'one two');
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    const plain = cli();
    assert.equal(plain, api({}));
    assert.equal(cli('--no-repeat-ngram-size', '1'), api({ noRepeatNgramSize: 1 }));
    assert.equal(cli('--repetition-penalty', '1.5'), api({ repetitionPenalty: 1.5 }));
    assert.equal(cli('--min-new-tokens', '6'), api({ minNewTokens: 6 }));
    // the barely trained model repeats one token, which either flag changes
    assert.notEqual(api({ noRepeatNgramSize: 1 }), plain);
    assert.notEqual(api({ repetitionPenalty: 1.5 }), plain);

    const errors: [string[], RegExp][] = [
      [['train-seq2seq', '--src', path.join(tmp, 'nope'), '--tgt', t, '--out', out], /--src: no such file/],
      [['train-seq2seq', '--src', s, '--tgt', vt, '--out', out], /--src and --tgt must have as many lines, got 60 and 5/],
      [['train-seq2seq', '--src', s, '--tgt', t, '--out', out, '--metric', 'meteor'], /--metric must be bleu or rouge/],
      [['train-seq2seq', '--src', s, '--tgt', t, '--out', out, '--d-model', '10', '--nhead', '4'], /--d-model \(10\) must be divisible by --nhead \(4\)/],
      [['translate', '--model', tmp, 'x'], /has no config.json/],
    ];
    for (const [args, message] of errors) {
      const r = lmkit(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.ok(r.stderr.trim().split('\n').length <= 2, r.stderr);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

test('lmkit train-seq2seq --resume continues a run exactly where its checkpoint left it', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-cli-s2s-resume-'));
  try {
    const words = ['one', 'two', 'three', 'four', 'five', 'six'];
    const src = Array.from({ length: 40 }, (_, i) => `${words[i % 6]} ${words[(i * 5) % 6]} ${words[(i * 7) % 6]}`);
    fs.writeFileSync(path.join(tmp, 's'), `${src.join('\n')}\n`);
    fs.writeFileSync(path.join(tmp, 't'), `${src.map((l) => l.split(' ').reverse().join(' ')).join('\n')}\n`);
    const train = (out: string, steps: number, ...extra: string[]) => lmkit('train-seq2seq', '--src', path.join(tmp, 's'),
      '--tgt', path.join(tmp, 't'), '--val-src', path.join(tmp, 's'), '--val-tgt', path.join(tmp, 't'), '--tokenizer', 'bpe:300',
      '--d-model', '16', '--nhead', '2', '--encoder-layers', '1', '--decoder-layers', '1', '--dim-feedforward', '32', '--batch-size', '4',
      '--max-tokens', '8', '--dropout', '0.1', '--eval-interval', '2', '--eval-iters', '2', '--max-eval-sentences', '2',
      '--max-steps', String(steps), '--out', path.join(tmp, out), ...extra);
    const whole = train('whole', 6);
    assert.equal(whole.status, 0, whole.stderr);
    const missing = train('never-trained', 6, '--resume');
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--resume: no checkpoint at .*last\.safetensors/);
    const first = train('split', 3);
    assert.equal(first.status, 0, first.stderr);
    const second = train('split', 6, '--resume');
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /^trained 6 steps/);
    const weights = (out: string) => fs.readFileSync(path.join(tmp, out, 'model.safetensors'));
    assert.ok(weights('split').equals(weights('whole')), 'the same weights as the uninterrupted run (dropout, batches, Adam state, schedule)');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
