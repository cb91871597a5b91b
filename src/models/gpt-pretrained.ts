/**
 * Hugging Face GPT-2 checkpoints (GPT2LMHeadModel / GPT2Model folders: config.json, model.safetensors,
 * tokenizer files) ↔ lmkit's GPT.
 *
 * The tensor names are the same, with or without the `transformer.` prefix. GPT-2 stores the weights of
 * its Conv1D projections [in, out] and lmkit's GPT keeps that layout, so none is transposed on the way
 * in or out; CONV1D_WEIGHTS lists them (a checkpoint whose projections are Linear [out, in], such as
 * nanoGPT's own, would transpose exactly these). The LM head is tied to `wte` and not stored; the causal
 * mask buffers (`attn.bias`, `attn.masked_bias`) are skipped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';
import type { GenerationOptions } from '../generation/types.js';
import { resolveModel, type ResolveModelOptions } from '../io/hub.js';
import type { Tensor } from '../tensor/tensor.js';
import { Tokenizer } from '../tokenizers/tokenizer.js';
import { GPT, type GPTConfig } from './gpt.js';
import {
  architecturesOf, buildForCheckpoint, checkShape, configInt, configNumber, hasTokenizerFiles, type HFConfig, matchCheckpoint, readCheckpointWeights,
  readJsonObject, writeModelFolder,
} from './pretrained.js';

/** Projection weights stored [in, out] (GPT-2's Conv1D), by their name within a block. */
export const CONV1D_WEIGHTS = ['attn.c_attn.weight', 'attn.c_proj.weight', 'mlp.c_fc.weight', 'mlp.c_proj.weight'] as const;

const GELU_FORMS: Record<string, GPTConfig['gelu']> = { gelu_new: 'tanh', gelu_pytorch_tanh: 'tanh', gelu: 'erf' };

/** GPTConfig from a Hugging Face GPT-2 config.json; other architectures and unsupported options are errors. */
export function gptConfigFromHF(hf: HFConfig, file = 'config.json'): GPTConfig {
  const arch = architecturesOf(hf);
  if (hf.model_type !== 'gpt2') {
    fail('Unsupported', `${file}: model_type "${String(hf.model_type)}"${arch ? ` (${arch})` : ''} is not supported; GPT.fromPretrained reads GPT-2 checkpoints (model_type "gpt2")`);
  }
  const int = (key: string): number => configInt(hf, key, file);
  const nEmbd = int('n_embd');
  const activation = String(hf.activation_function ?? 'gelu_new');
  const gelu = GELU_FORMS[activation];
  if (!gelu) fail('Unsupported', `${file}: activation_function "${activation}" (supported: ${Object.keys(GELU_FORMS).join(', ')})`);
  if (hf.n_inner !== undefined && hf.n_inner !== null && hf.n_inner !== 4 * nEmbd) {
    fail('Unsupported', `${file}: n_inner ${String(hf.n_inner)} (lmkit's GPT uses 4·n_embd = ${4 * nEmbd})`);
  }
  for (const flag of ['scale_attn_by_inverse_layer_idx', 'reorder_and_upcast_attn', 'add_cross_attention']) {
    if (hf[flag] === true) fail('Unsupported', `${file}: ${flag} is true (not supported)`);
  }
  if (hf.scale_attn_weights === false) fail('Unsupported', `${file}: scale_attn_weights false (not supported)`);
  if (hf.tie_word_embeddings === false) fail('Unsupported', `${file}: tie_word_embeddings false (lmkit's GPT ties the LM head to wte)`);
  return {
    vocabSize: int('vocab_size'),
    blockSize: int('n_positions'),
    nLayer: int('n_layer'),
    nHead: int('n_head'),
    nEmbd,
    dropout: configNumber(hf, 'resid_pdrop', 0.1),
    bias: true,
    gelu,
    layerNormEps: configNumber(hf, 'layer_norm_epsilon', 1e-5),
  };
}

/** A Hugging Face config.json for a GPT config (biases are always on in GPT-2's format). */
export function gptConfigToHF(c: GPTConfig, defaults: Partial<GenerationOptions> = {}): HFConfig {
  if (!c.bias) fail('Unsupported', 'savePretrained: GPT-2\'s format has biases; this model was built with bias: false');
  const eos = defaults.eosTokenId;
  return {
    model_type: 'gpt2',
    architectures: ['GPT2LMHeadModel'],
    vocab_size: c.vocabSize,
    n_positions: c.blockSize,
    n_embd: c.nEmbd,
    n_layer: c.nLayer,
    n_head: c.nHead,
    n_inner: null,
    activation_function: c.gelu === 'tanh' ? 'gelu_new' : 'gelu',
    layer_norm_epsilon: c.layerNormEps,
    resid_pdrop: c.dropout,
    embd_pdrop: c.dropout,
    attn_pdrop: c.dropout,
    tie_word_embeddings: true,
    ...(eos !== undefined && eos !== null ? { eos_token_id: eos, bos_token_id: typeof eos === 'number' ? eos : eos[0] } : {}),
    ...(typeof defaults.padTokenId === 'number' ? { pad_token_id: defaults.padTokenId } : {}),
  };
}

const SKIPPED = /(^|\.)attn\.(bias|masked_bias)$/;

/**
 * The checkpoint's tensors under lmkit's names, checked against `model`: every parameter present with
 * its shape. Missing, misshaped and unknown tensors are LmkitErrors naming the tensor.
 */
export function gptStateDictFromHF(model: GPT, tensors: Map<string, Tensor>, file = 'model.safetensors'): Map<string, Tensor> {
  const out = matchCheckpoint(model.stateDict(), tensors, {
    keyOf: (name) => (SKIPPED.test(name) || name === 'lm_head.weight' ? null : name.startsWith('transformer.') ? name : `transformer.${name}`),
    spellings: (key) => `"${key}" (or "${key.slice('transformer.'.length)}")`,
    model: 'a GPT-2 model of this config',
  }, file);
  const head = tensors.get('lm_head.weight');
  if (head) checkShape(file, 'lm_head.weight', head, out.get('transformer.wte.weight')!.shape, ' (tied to wte)');
  return out;
}

export interface FromPretrainedOptions extends ResolveModelOptions {
  /** Load the tokenizer files when present (default true). */
  tokenizer?: boolean;
}

/** Reads a GPT-2 checkpoint folder or hub id (see GPT.fromPretrained). */
export async function loadPretrainedGPT(dirOrId: string, opts: FromPretrainedOptions = {}): Promise<GPT> {
  const dir = await resolveModel(dirOrId, opts);
  const configFile = path.join(dir, 'config.json');
  const hf = readJsonObject(configFile);
  const config = gptConfigFromHF(hf, configFile);
  const { tensors, file } = readCheckpointWeights(dir);
  const model = buildForCheckpoint(configFile, file, tensors, () => new GPT(config, { init: false }));
  model.loadStateDict(gptStateDictFromHF(model, tensors, file));
  model.eval();
  const genFile = path.join(dir, 'generation_config.json');
  const gen = fs.existsSync(genFile) ? readJsonObject(genFile) : {};
  const eos = gen.eos_token_id ?? hf.eos_token_id;
  const pad = gen.pad_token_id ?? hf.pad_token_id;
  model.generationDefaults = {
    ...(typeof eos === 'number' || Array.isArray(eos) ? { eosTokenId: eos as number | number[] } : {}),
    ...(typeof pad === 'number' ? { padTokenId: pad } : {}),
  };
  if ((opts.tokenizer ?? true) && hasTokenizerFiles(dir)) {
    model.tokenizer = Tokenizer.fromPretrained(dir);
    model.generationDefaults.tokenizer = model.tokenizer;
  }
  return model;
}

/** Writes config.json, model.safetensors (Hugging Face names) and the tokenizer files into `dir`. */
export function savePretrainedGPT(model: GPT, dir: string): void {
  writeModelFolder(dir, gptConfigToHF(model.config, model.generationDefaults), model.stateDict(), model.tokenizer);
}
