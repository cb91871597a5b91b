/**
 * Hugging Face BERT checkpoints (config.json with model_type "bert", model.safetensors, tokenizer files)
 * ↔ lmkit's BertModel, BertForMaskedLM and BertForPreTraining.
 *
 * Tensor names are Hugging Face's and load key by key, with or without the `bert.` prefix. Skipped: the
 * `embeddings.position_ids` buffer, the tied decoder `cls.predictions.decoder.weight` (its shape is
 * checked) and the heads a model does not have (BertModel: `cls.*`; BertForMaskedLM: the pooler and
 * `cls.seq_relationship.*`). `cls.predictions.decoder.bias` stands for `cls.predictions.bias` when that
 * is absent, and old TensorFlow-converted names `LayerNorm.gamma` / `LayerNorm.beta` are read as
 * `LayerNorm.weight` / `LayerNorm.bias`.
 */
import path from 'node:path';
import { resolveModel } from '../../io/hub.js';
import type { Module } from '../../nn/module.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Tokenizer } from '../../tokenizers/tokenizer.js';
import type { FromPretrainedOptions } from '../gpt-pretrained.js';
import {
  buildForCheckpoint, checkShape, type CheckpointNames, hasTokenizerFiles, matchCheckpoint, readCheckpointWeights, readJsonObject, writeModelFolder,
} from '../pretrained.js';
import { type BertConfig, bertConfigFromHF, bertConfigToHF } from './config.js';

export type BertArchitecture = 'BertModel' | 'BertForMaskedLM' | 'BertForPreTraining';

export type BertFromPretrainedOptions = FromPretrainedOptions;

const DECODER_WEIGHT = 'cls.predictions.decoder.weight';
const DECODER_BIAS = 'cls.predictions.decoder.bias';
const MLM_BIAS = 'cls.predictions.bias';

/** Hugging Face's name (either spelling) → the model's state-dict key, or null to skip. */
function bertNames(arch: BertArchitecture, tensors: Map<string, Tensor>): CheckpointNames {
  const prefixed = arch !== 'BertModel'; // the heads' models keep the encoder under `bert.`
  return {
    keyOf(original) {
      const name = original.replace(/LayerNorm\.gamma$/, 'LayerNorm.weight').replace(/LayerNorm\.beta$/, 'LayerNorm.bias');
      if (/(^|\.)embeddings\.position_ids$/.test(name)) return null;
      if (name.startsWith('cls.')) {
        if (!prefixed || name === DECODER_WEIGHT) return null;
        if (name === DECODER_BIAS) return tensors.has(MLM_BIAS) ? null : MLM_BIAS;
        if (arch === 'BertForMaskedLM' && name.startsWith('cls.seq_relationship.')) return null;
        return name;
      }
      const body = name.startsWith('bert.') ? name.slice('bert.'.length) : name;
      if (arch === 'BertForMaskedLM' && body.startsWith('pooler.')) return null;
      return prefixed ? `bert.${body}` : body;
    },
    spellings(key) {
      if (key === MLM_BIAS) return `"${MLM_BIAS}" (or "${DECODER_BIAS}")`;
      if (key.startsWith('cls.')) return `"${key}"`;
      return prefixed ? `"${key}" (or "${key.slice('bert.'.length)}")` : `"${key}" (or "bert.${key}")`;
    },
    model: `a ${arch} of this config`,
  };
}

/** The checkpoint's tensors under `model`'s keys, checked strictly (see the file comment). */
export function bertStateDictFromHF(model: Module, arch: BertArchitecture, tensors: Map<string, Tensor>, file = 'model.safetensors'): Map<string, Tensor> {
  const out = matchCheckpoint(model.stateDict(), tensors, bertNames(arch, tensors), file);
  const decoder = tensors.get(DECODER_WEIGHT);
  const words = out.get(arch === 'BertModel' ? 'embeddings.word_embeddings.weight' : 'bert.embeddings.word_embeddings.weight')!;
  if (decoder && arch !== 'BertModel') checkShape(file, DECODER_WEIGHT, decoder, words.shape, ' (tied to the word embeddings)');
  return out;
}

interface PretrainedBert extends Module {
  tokenizer?: Tokenizer | null;
}

/**
 * Reads a BERT checkpoint folder or hub id into the model `make` builds (uninitialized) from its
 * config; `hasPooler` says whether the checkpoint holds pooler weights. Returned in eval mode.
 */
export async function loadPretrainedBert<M extends PretrainedBert>(arch: BertArchitecture, make: (config: BertConfig, hasPooler: boolean) => M,
  dirOrId: string, opts: BertFromPretrainedOptions = {}): Promise<M> {
  const dir = await resolveModel(dirOrId, opts);
  const configFile = path.join(dir, 'config.json');
  const config = bertConfigFromHF(readJsonObject(configFile), configFile);
  const { tensors, file } = readCheckpointWeights(dir);
  const hasPooler = [...tensors.keys()].some((k) => /^(bert\.)?pooler\./.test(k));
  const model = buildForCheckpoint(configFile, file, tensors, () => make(config, hasPooler));
  model.loadStateDict(bertStateDictFromHF(model, arch, tensors, file));
  model.eval();
  if ((opts.tokenizer ?? true) && hasTokenizerFiles(dir) && 'tokenizer' in model) model.tokenizer = Tokenizer.fromPretrained(dir);
  return model;
}

/** Writes `model` in Hugging Face's layout (config.json naming `arch`, model.safetensors, tokenizer files). */
export function savePretrainedBert(model: PretrainedBert & { config: BertConfig }, arch: BertArchitecture, dir: string): void {
  writeModelFolder(dir, bertConfigToHF(model.config, arch), model.stateDict(), model.tokenizer ?? null);
}
