import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { SHARED_MISSING, sharedDir } from '../testing/shared.js';
import { Tokenizer } from '../tokenizers/tokenizer.js';
import { encodeLongText, prepareCorpus } from './prepare.js';
import { readTokenFile } from './token_file.js';

const shared = sharedDir();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-prepare-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("prepare char: nanoGPT's shakespeare_char split (vocab 65, 1,003,854 / 111,540 tokens)", { skip: shared ? false : SHARED_MISSING }, () => {
  const out = path.join(tmp, 'char');
  const r = prepareCorpus({ dataFile: path.join(shared!, 'data', 'tinyshakespeare', 'input.txt'), tokenizer: 'char', outDir: out, showProgress: false });
  assert.deepEqual([r.vocabSize, r.trainTokens, r.valTokens, r.bytesPerToken], [65, 1003854, 111540, 2]);
  const tok = Tokenizer.fromPretrained(out);
  const val = readTokenFile(path.join(out, 'val.bin'));
  const text = fs.readFileSync(path.join(shared!, 'data', 'tinyshakespeare', 'input.txt'), 'utf8');
  assert.equal(tok.decode(val.subarray(0, 200)), text.slice(1003854, 1003854 + 200));
  assert.equal(JSON.parse(fs.readFileSync(path.join(out, 'meta.json'), 'utf8')).dtype, 'uint16');
});

test('prepare bpe: trains on the train split; chunked encoding equals one-shot encoding', { skip: shared ? false : SHARED_MISSING }, () => {
  const data = path.join(tmp, 'small.txt');
  const text = fs.readFileSync(path.join(shared!, 'data', 'tinyshakespeare', 'input.txt'), 'utf8').slice(0, 150_000);
  fs.writeFileSync(data, text);
  const out = path.join(tmp, 'bpe');
  const r = prepareCorpus({ dataFile: data, tokenizer: 'bpe:300', outDir: out, valFraction: 0.2, showProgress: false });
  assert.equal(r.vocabSize, 300);
  const tok = Tokenizer.fromPretrained(out);
  const train = readTokenFile(path.join(out, 'train.bin'));
  assert.deepEqual(Array.from(train), tok.encodeIds(text.slice(0, 120_000)));
  assert.deepEqual(Array.from(encodeLongText(tok, text.slice(0, 120_000), false)), Array.from(train));
  assert.throws(() => prepareCorpus({ dataFile: data, tokenizer: 'bpe:100', outDir: out }), /at least 257/);
});
