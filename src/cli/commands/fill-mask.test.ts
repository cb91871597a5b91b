import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BertForMaskedLM } from '../../models/bert/pretraining.js';
import { fillMask } from '../../pipelines/fill-mask.js';
import { tinyBertTokenizer } from '../../testing/tiny-bert-tokenizer.js';
import { SHARED_MISSING, sharedDir } from '../../testing/shared.js';

const shared = sharedDir();
const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'main.js');
const lmkit = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

test('lmkit fill-mask prints the top-k candidates of each mask; bad models and texts are one-line errors', { skip: shared ? false : SHARED_MISSING }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-cli-fill-'));
  try {
    const model = await BertForMaskedLM.fromPretrained(path.join(shared!, 'fixtures/torch/bert-tiny'));
    model.tokenizer = tinyBertTokenizer();
    const dir = path.join(tmp, 'bert');
    model.savePretrained(dir);
    const text = 'the old [MASK] read a [MASK]';
    const expected = fillMask(model, text, { topK: 3 });

    const json = lmkit('fill-mask', '--model', dir, text, '--top-k', '3', '--json');
    assert.equal(json.status, 0, json.stderr);
    const printed = JSON.parse(json.stdout) as typeof expected;
    assert.deepEqual(printed.map((m) => m.map((p) => [p.token, p.token_str, p.sequence])), expected.map((m) => m.map((p) => [p.token, p.token_str, p.sequence])));
    printed.flat().forEach((p, i) => assert.ok(Math.abs(p.score - expected.flat()[i].score) < 1e-6));

    const plain = lmkit('fill-mask', '--model', dir, 'the cat sat on the [MASK]', '--top-k', '2');
    assert.equal(plain.status, 0, plain.stderr);
    const lines = plain.stdout.trimEnd().split('\n');
    const one = fillMask(model, 'the cat sat on the [MASK]', { topK: 2 })[0];
    assert.equal(lines.length, 2);
    lines.forEach((line, i) => assert.deepEqual(line.split(/\s{2,}/), [one[i].score.toFixed(4), one[i].token_str, one[i].sequence]));

    const noMask = lmkit('fill-mask', '--model', dir, 'the cat sat');
    assert.equal(noMask.status, 2);
    assert.match(noMask.stderr, /the text has no mask token \[MASK\]/);
    const gpt = lmkit('fill-mask', '--model', path.join(shared!, 'fixtures/torch/gpt2-tiny'), 'the [MASK]');
    assert.equal(gpt.status, 2);
    assert.match(gpt.stderr, /--model: .*gpt2-tiny holds a "gpt2" model; fill-mask needs a BERT checkpoint/);
    const generate = lmkit('generate', '--model', dir);
    assert.equal(generate.status, 1);
    assert.match(generate.stderr, /model_type "bert" is a masked language model, not a causal one/);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
