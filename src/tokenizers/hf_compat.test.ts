import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { SHARED_MISSING, sharedDir } from '../testing/shared.js';
import { Tokenizer } from './tokenizer.js';
import { trainByteLevelBpe } from './trainers/bpe.js';
import { trainWordPiece } from './trainers/wordpiece.js';

const shared = sharedDir();
const dir = shared ? path.join(shared, 'fixtures', 'tokenizers') : '';
const skip = shared ? false : SHARED_MISSING;

function texts(): string[] {
  return fs
    .readFileSync(path.join(dir, 'cases.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { text: string }).text);
}

/** Saves with lmkit, loads the file with Hugging Face's tokenizers.js and compares encodings. */
function assertHfAgrees(tok: Tokenizer, samples: string[], pairs = false): void {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-hf-'));
  tok.savePretrained(tmp);
  const json = JSON.parse(fs.readFileSync(path.join(tmp, 'tokenizer.json'), 'utf8'));
  const config = JSON.parse(fs.readFileSync(path.join(tmp, 'tokenizer_config.json'), 'utf8'));
  const hf = new HfTokenizer(json, config);
  for (const s of samples) {
    const ours = tok.encode(s);
    const theirs = hf.encode(s);
    assert.deepEqual(ours.ids, theirs.ids, s);
    assert.deepEqual(ours.tokens, theirs.tokens, s);
    if (pairs) {
      const p = tok.encode(s, 'and a second text.');
      const q = hf.encode(s, { text_pair: 'and a second text.', return_token_type_ids: true });
      assert.deepEqual(p.ids, q.ids);
      assert.deepEqual(p.typeIds, q.token_type_ids);
    }
  }
  const reloaded = Tokenizer.fromPretrained(tmp);
  for (const s of samples) assert.deepEqual(reloaded.encode(s).ids, tok.encode(s).ids);
  fs.rmSync(tmp, { recursive: true, force: true });
}

test('GPT-2 and BERT saved by lmkit load in @huggingface/tokenizers with the same encodings', { skip }, () => {
  assertHfAgrees(Tokenizer.fromPretrained(path.join(dir, 'gpt2')), texts());
  assertHfAgrees(Tokenizer.fromPretrained(path.join(dir, 'bert-base-uncased')), texts(), true);
});

test('trained byte-level BPE and WordPiece tokenizers load in @huggingface/tokenizers', { skip }, () => {
  const corpus = fs.readFileSync(path.join(shared!, 'data', 'tinyshakespeare', 'input.txt'), 'utf8').slice(0, 60_000);
  const samples = [...texts(), corpus.slice(0, 2000)];
  assertHfAgrees(trainByteLevelBpe(corpus, { vocabSize: 400 }), samples);
  assertHfAgrees(trainWordPiece(corpus, { vocabSize: 600 }), samples, true);
});
