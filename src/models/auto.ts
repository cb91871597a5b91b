/**
 * Saving and loading any lmkit language model as a folder: config.json (which model, its sizes),
 * model.safetensors (the state dict) and the tokenizer files. A Hugging Face GPT-2 folder loads too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';
import { skipInit } from '../nn/init.js';
import { Tokenizer } from '../tokenizers/tokenizer.js';
import { GPT, type GPTConfig } from './gpt.js';
import { configInt, hasTokenizerFiles, readCheckpointWeights, readJsonObject, writeModelFolder } from './pretrained.js';
import { type RecurrentCell, RecurrentLanguageModel } from './rnn-lm.js';

export type LanguageModel = GPT | RecurrentLanguageModel;

export const LMKIT_GPT = 'lmkit-gpt';
export const LMKIT_RNN = 'lmkit-rnn';

interface RecurrentConfig {
  cell: RecurrentCell;
  vocab_size: number;
  embedding_dim: number;
  hidden_dim: number;
  num_layers: number;
}

export function modelConfigJson(model: LanguageModel): Record<string, unknown> {
  if (model instanceof GPT) return { model_type: LMKIT_GPT, lmkit_version: 1, ...model.config };
  const cfg: RecurrentConfig = {
    cell: model.cell, vocab_size: model.vocabSize, embedding_dim: model.embeddingDim,
    hidden_dim: model.hiddenDim, num_layers: model.numLayers,
  };
  return { model_type: LMKIT_RNN, lmkit_version: 1, ...cfg };
}

/** Writes `model` (and `tokenizer`) into `dir`; each file is written atomically. */
export function saveModel(dir: string, model: LanguageModel, tokenizer: Tokenizer | null): void {
  writeModelFolder(dir, modelConfigJson(model), model.stateDict(), tokenizer);
}

function readConfig(dir: string): Record<string, unknown> {
  const file = path.join(dir, 'config.json');
  if (!fs.existsSync(file)) fail('InvalidFile', `${dir}: no config.json (expected a model folder written by lmkit train or savePretrained)`);
  return readJsonObject(file);
}

/** Builds the model a config.json describes, with its weights loaded (strictly), in eval mode. */
export async function loadModel(dir: string): Promise<{ model: LanguageModel; tokenizer: Tokenizer | null }> {
  const cfg = readConfig(dir);
  const file = path.join(dir, 'config.json');
  if (cfg.model_type === 'gpt2') {
    const model = await GPT.fromPretrained(dir);
    return { model, tokenizer: model.tokenizer };
  }
  let model: LanguageModel;
  if (cfg.model_type === LMKIT_GPT) {
    const { model_type: _t, lmkit_version: _v, ...config } = cfg;
    model = new GPT(config as Partial<GPTConfig>, { init: false });
  } else if (cfg.model_type === LMKIT_RNN) {
    const cell = cfg.cell;
    if (cell !== 'lstm' && cell !== 'gru' && cell !== 'rnn') fail('InvalidFile', `${file}: cell must be lstm, gru or rnn, got ${JSON.stringify(cell)}`);
    const sizes = ['vocab_size', 'embedding_dim', 'hidden_dim', 'num_layers'].map((k) => configInt(cfg, k, file));
    model = skipInit(() => new RecurrentLanguageModel(cell, sizes[0], sizes[1], sizes[2], sizes[3]));
  } else if (cfg.model_type === 'bert') {
    fail('Unsupported', `${file}: model_type "bert" is a masked language model, not a causal one (load it with BertForMaskedLM.fromPretrained, or use \`lmkit fill-mask\`)`);
  } else {
    fail('Unsupported', `${file}: model_type ${JSON.stringify(cfg.model_type)} is not one lmkit loads (${LMKIT_GPT}, ${LMKIT_RNN}, gpt2)`);
  }
  model.loadStateDict(readCheckpointWeights(dir).tensors);
  model.eval();
  const tokenizer = hasTokenizerFiles(dir) ? Tokenizer.fromPretrained(dir) : null;
  return { model, tokenizer };
}
