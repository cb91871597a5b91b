import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';
import type { CausalLM } from '../generation/types.js';
import { loadModel } from '../models/auto.js';
import type { Tokenizer } from '../tokenizers/tokenizer.js';

/** A model as the server exposes it: a name, the model, its tokenizer and (if any) its chat template. */
export interface ServedModel {
  /** The id clients send as `model`. */
  name: string;
  model: CausalLM;
  tokenizer: Tokenizer;
  /** The checkpoint's chat template, or null: no chat endpoint. */
  chatTemplate: ChatTemplate | null;
  /** Unix seconds, reported by /v1/models. */
  created: number;
}

/** A checkpoint's chat template (Jinja) with the special tokens it refers to. */
export interface ChatTemplate {
  source: string;
  bosToken: string;
  eosToken: string;
}

function tokenText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') return (v as { content: string }).content;
  return '';
}

/**
 * The chat template of a model folder: chat_template.jinja, else `chat_template` in
 * tokenizer_config.json (with its bos_token / eos_token); null when there is none.
 */
export function readChatTemplate(dir: string): ChatTemplate | null {
  const file = path.join(dir, 'tokenizer_config.json');
  let cfg: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    try {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) cfg = parsed as Record<string, unknown>;
    } catch {
      cfg = {};
    }
  }
  const jinja = path.join(dir, 'chat_template.jinja');
  const source = fs.existsSync(jinja) ? fs.readFileSync(jinja, 'utf8') : cfg.chat_template;
  if (typeof source !== 'string' || source.trim() === '') return null;
  return { source, bosToken: tokenText(cfg.bos_token), eosToken: tokenText(cfg.eos_token) };
}

/** The model's output vocabulary size, when it says (GPT's config.vocabSize, a recurrent model's vocabSize). */
export function modelVocabSize(model: CausalLM): number | null {
  const m = model as { config?: { vocabSize?: unknown }; vocabSize?: unknown };
  const v = m.config?.vocabSize ?? m.vocabSize;
  return typeof v === 'number' ? v : null;
}

/** Output ids the tokenizer cannot decode (a vocabulary padded for speed, as nanoGPT's 50304): never sampled. */
export function undecodableIds(served: Pick<ServedModel, 'model' | 'tokenizer'>): number[] {
  const modelVocab = modelVocabSize(served.model) ?? 0;
  const ids: number[] = [];
  for (let id = served.tokenizer.vocabSize; id < modelVocab; id++) ids.push(id);
  return ids;
}

/**
 * Loads a model folder (lmkit GPT / recurrent, or Hugging Face GPT-2) for serving, with its tokenizer
 * and chat template. `name` defaults to the folder's name.
 */
export async function loadServedModel(dir: string, name = path.basename(path.resolve(dir))): Promise<ServedModel> {
  const { model, tokenizer } = await loadModel(dir);
  if (!tokenizer) fail('InvalidFile', `${dir}: no tokenizer files (tokenizer.json, vocab.json or vocab.txt); the server needs one to read prompts`);
  if (name.trim() === '') fail('InvalidArgument', 'serve: the model name must not be empty');
  return { name, model, tokenizer, chatTemplate: readChatTemplate(dir), created: Math.floor(Date.now() / 1000) };
}
