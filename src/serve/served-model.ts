import fs from 'node:fs';
import path from 'node:path';
import type { CausalLM } from '../generation/types.js';
import type { Tokenizer } from '../tokenizers/tokenizer.js';

/** A model as the server exposes it: a name, the model, its tokenizer and (if any) its chat template. */
export interface ServedModel {
  /** The id clients send as `model`. */
  name: string;
  model: CausalLM;
  tokenizer: Tokenizer;
  /** The checkpoint's chat template (tokenizer_config.json `chat_template`), or null: no chat endpoint. */
  chatTemplate: string | null;
  /** Unix seconds, reported by /v1/models. */
  created: number;
}

/** `chat_template` from a model folder's tokenizer_config.json (or chat_template.jinja), else null. */
export function readChatTemplate(dir: string): string | null {
  const jinja = path.join(dir, 'chat_template.jinja');
  if (fs.existsSync(jinja)) return fs.readFileSync(jinja, 'utf8');
  const file = path.join(dir, 'tokenizer_config.json');
  if (!fs.existsSync(file)) return null;
  try {
    const cfg = JSON.parse(fs.readFileSync(file, 'utf8')) as { chat_template?: unknown };
    return typeof cfg.chat_template === 'string' && cfg.chat_template.trim() !== '' ? cfg.chat_template : null;
  } catch {
    return null;
  }
}

/** Output ids the tokenizer cannot decode (a vocabulary padded for speed, as nanoGPT's 50304): never sampled. */
export function undecodableIds(served: Pick<ServedModel, 'model' | 'tokenizer'>): number[] {
  const m = served.model as { config?: { vocabSize?: number }; vocabSize?: number };
  const modelVocab = m.config?.vocabSize ?? m.vocabSize ?? 0;
  const ids: number[] = [];
  for (let id = served.tokenizer.vocabSize; id < modelVocab; id++) ids.push(id);
  return ids;
}
