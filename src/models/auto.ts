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
import { buildForCheckpoint, configInt, hasTokenizerFiles, readCheckpointWeights, readJsonObject, writeModelFolder } from './pretrained.js';
import { type RecurrentCell, RecurrentLanguageModel } from './rnn-lm.js';
import { resolveSeq2SeqConfig, type Seq2SeqConfig } from './seq2seq/config.js';
import { Seq2SeqTransformer } from './seq2seq/model.js';

export type LanguageModel = GPT | RecurrentLanguageModel;

export const LMKIT_GPT = 'lmkit-gpt';
export const LMKIT_RNN = 'lmkit-rnn';
export const LMKIT_SEQ2SEQ = 'lmkit-seq2seq';
/** Where a seq2seq folder keeps a target tokenizer that differs from the source one. */
export const TARGET_TOKENIZER_DIR = 'target_tokenizer';

interface RecurrentConfig {
  cell: RecurrentCell;
  vocab_size: number;
  embedding_dim: number;
  hidden_dim: number;
  num_layers: number;
}

export function modelConfigJson(model: LanguageModel | Seq2SeqTransformer): Record<string, unknown> {
  if (model instanceof Seq2SeqTransformer) return { model_type: LMKIT_SEQ2SEQ, lmkit_version: 1, ...model.config };
  if (model instanceof GPT) return { model_type: LMKIT_GPT, lmkit_version: 1, ...model.config };
  const cfg: RecurrentConfig = {
    cell: model.cell, vocab_size: model.vocabSize, embedding_dim: model.embeddingDim,
    hidden_dim: model.hiddenDim, num_layers: model.numLayers,
  };
  return { model_type: LMKIT_RNN, lmkit_version: 1, ...cfg };
}

/**
 * Writes `model` (and `tokenizer`) into `dir`; each file is written atomically. A seq2seq model's
 * `tokenizer` is its source (or joint) tokenizer; a different `targetTokenizer` goes to target_tokenizer/.
 */
export function saveModel(dir: string, model: LanguageModel | Seq2SeqTransformer, tokenizer: Tokenizer | null, targetTokenizer?: Tokenizer): void {
  writeModelFolder(dir, modelConfigJson(model), model.stateDict(), tokenizer);
  if (targetTokenizer && targetTokenizer !== tokenizer) targetTokenizer.savePretrained(path.join(dir, TARGET_TOKENIZER_DIR));
}

/** Loads a folder saved from a Seq2SeqTransformer (model_type lmkit-seq2seq), in eval mode, with its tokenizers. */
export function loadSeq2SeqModel(dir: string): { model: Seq2SeqTransformer; sourceTokenizer: Tokenizer | null; targetTokenizer: Tokenizer | null } {
  const cfg = readConfig(dir);
  const file = path.join(dir, 'config.json');
  if (cfg.model_type !== LMKIT_SEQ2SEQ) fail('Unsupported', `${file}: expected model_type "${LMKIT_SEQ2SEQ}" (an encoder-decoder), got ${JSON.stringify(cfg.model_type)}`);
  const { model_type: _t, lmkit_version: _v, ...config } = cfg;
  const resolved = resolveSeq2SeqConfig(config as unknown as Seq2SeqConfig);
  const weights = readCheckpointWeights(dir);
  const model = buildForCheckpoint(file, weights.file, weights.tensors, () => skipInit(() => new Seq2SeqTransformer(resolved)));
  model.loadStateDict(weights.tensors);
  model.eval();
  const sourceTokenizer = hasTokenizerFiles(dir) ? Tokenizer.fromPretrained(dir) : null;
  const targetDir = path.join(dir, TARGET_TOKENIZER_DIR);
  const targetTokenizer = hasTokenizerFiles(targetDir) ? Tokenizer.fromPretrained(targetDir) : sourceTokenizer;
  return { model, sourceTokenizer, targetTokenizer };
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
  let build: () => LanguageModel;
  if (cfg.model_type === LMKIT_GPT) {
    const { model_type: _t, lmkit_version: _v, ...config } = cfg;
    build = () => new GPT(config as Partial<GPTConfig>, { init: false });
  } else if (cfg.model_type === LMKIT_RNN) {
    const cell = cfg.cell;
    if (cell !== 'lstm' && cell !== 'gru' && cell !== 'rnn') fail('InvalidFile', `${file}: cell must be lstm, gru or rnn, got ${JSON.stringify(cell)}`);
    const sizes = ['vocab_size', 'embedding_dim', 'hidden_dim', 'num_layers'].map((k) => configInt(cfg, k, file));
    build = () => skipInit(() => new RecurrentLanguageModel(cell, sizes[0], sizes[1], sizes[2], sizes[3]));
  } else if (cfg.model_type === LMKIT_SEQ2SEQ) {
    fail('Unsupported', `${file}: model_type "${LMKIT_SEQ2SEQ}" is an encoder-decoder, not a causal LM (load it with loadSeq2SeqModel, or use \`lmkit translate\`)`);
  } else if (cfg.model_type === 'bert') {
    fail('Unsupported', `${file}: model_type "bert" is a masked language model, not a causal one (load it with BertForMaskedLM.fromPretrained, or use \`lmkit fill-mask\`)`);
  } else {
    fail('Unsupported', `${file}: model_type ${JSON.stringify(cfg.model_type)} is not one lmkit loads (${LMKIT_GPT}, ${LMKIT_RNN}, gpt2)`);
  }
  const weights = readCheckpointWeights(dir);
  const model = buildForCheckpoint(file, weights.file, weights.tensors, build);
  model.loadStateDict(weights.tensors);
  model.eval();
  const tokenizer = hasTokenizerFiles(dir) ? Tokenizer.fromPretrained(dir) : null;
  return { model, tokenizer };
}
