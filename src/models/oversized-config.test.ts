import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Module } from '../nn/module.js';
import { sharedDir, SHARED_MISSING } from '../testing/shared.js';
import { loadModel, loadSeq2SeqModel, saveModel } from './auto.js';
import { BertForMaskedLM } from './bert/pretraining.js';
import { editedCheckpoint, rejectsWith } from './checkpoint.test-util.js';
import { GPT } from './gpt.js';
import { LSTMLanguageModel } from './rnn-lm.js';
import { resolveSeq2SeqConfig } from './seq2seq/config.js';
import { Seq2SeqTransformer } from './seq2seq/model.js';

// A config.json that describes a far larger model than its weights (corrupted, or copied from another model)
// is refused before the model is built: without the check, 2^31 layers or a 10^8-token vocabulary would
// allocate until memory runs out, and 10^12 would throw a RangeError.
const SHARED = sharedDir();
const skip = SHARED ? false : SHARED_MISSING;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-oversized-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
const HUGE = [2 ** 31, 1e8, 1e12];
const refused = (values: number) => new RegExp(`config\\.json: describes a model larger than the ${values} values of .*model\\.safetensors`);

/** How many values a model's state dict holds (what its saved model.safetensors holds). */
const valuesOf = (model: Module) => [...model.stateDict().values()].reduce((n, t) => n + t.size, 0);

/** `dir` with config.json's `field` set to `value` (into a new folder). */
function withConfigField(dir: string, name: string, field: string, value: unknown): string {
  const out = path.join(tmp, name);
  fs.cpSync(dir, out, { recursive: true });
  const file = path.join(out, 'config.json');
  fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), [field]: value }));
  return out;
}

test('GPT.fromPretrained refuses a config.json whose sizes its weights cannot hold, naming both files', { skip }, async () => {
  const fixture = path.join(SHARED!, 'fixtures/torch/gpt2-tiny');
  for (const field of ['n_layer', 'vocab_size', 'n_embd', 'n_positions']) {
    for (const value of HUGE) {
      const dir = editedCheckpoint(fixture, path.join(tmp, `gpt2-${field}-${value}`), () => {}, { [field]: value });
      await rejectsWith(GPT.fromPretrained(dir), 'InvalidFile', refused(8128));
    }
  }
});

test('BERT\'s fromPretrained refuses a config.json whose sizes its weights cannot hold', { skip }, async () => {
  const fixture = path.join(SHARED!, 'fixtures/torch/bert-tiny');
  for (const field of ['num_hidden_layers', 'vocab_size', 'intermediate_size']) {
    for (const value of HUGE) {
      const dir = editedCheckpoint(fixture, path.join(tmp, `bert-${field}-${value}`), () => {}, { [field]: value });
      await rejectsWith(BertForMaskedLM.fromPretrained(dir), 'InvalidFile', /config\.json: describes a model larger than the \d+ values of/);
    }
  }
});

test('lmkit\'s own folders (recurrent LM, GPT, seq2seq) refuse a config.json whose sizes their weights cannot hold', async () => {
  const lstm = path.join(tmp, 'lstm');
  const lstmModel = new LSTMLanguageModel(12, 4, 6, 1);
  saveModel(lstm, lstmModel, null);
  const lstmValues = valuesOf(lstmModel);
  const gpt = path.join(tmp, 'gpt');
  const gptModel = new GPT({ vocabSize: 12, blockSize: 8, nLayer: 1, nHead: 2, nEmbd: 8 });
  saveModel(gpt, gptModel, null);
  const gptValues = valuesOf(gptModel);
  const s2s = path.join(tmp, 's2s');
  const s2sModel = new Seq2SeqTransformer(resolveSeq2SeqConfig({
    srcVocabSize: 10, tgtVocabSize: 10, dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16, maxPositions: 16,
  }));
  saveModel(s2s, s2sModel, null);
  const s2sValues = valuesOf(s2sModel);
  for (const value of HUGE) {
    for (const field of ['num_layers', 'hidden_dim', 'vocab_size']) {
      await rejectsWith(loadModel(withConfigField(lstm, `lstm-${field}-${value}`, field, value)), 'InvalidFile', refused(lstmValues));
    }
    for (const field of ['nLayer', 'nEmbd', 'vocabSize']) {
      await rejectsWith(loadModel(withConfigField(gpt, `gpt-${field}-${value}`, field, value)), 'InvalidFile', refused(gptValues));
    }
    for (const field of ['numEncoderLayers', 'dimFeedforward', 'tgtVocabSize']) {
      const dir = withConfigField(s2s, `s2s-${field}-${value}`, field, value);
      await rejectsWith(Promise.resolve().then(() => loadSeq2SeqModel(dir)), 'InvalidFile', refused(s2sValues));
    }
  }
});
