import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';
import { JsonReader, parseJson } from './json.js';
import { BPE } from './models/bpe.js';
import { Vocab } from './models/vocab.js';
import { WordPiece } from './models/wordpiece.js';
import { bertTokenizer, byteLevelBpeTokenizer } from './presets.js';
import { tokenizerFromJSON } from './serialization.js';
import type { Tokenizer, TokenizerConfig } from './tokenizer.js';

function readConfig(dir: string): TokenizerConfig {
  const file = path.join(dir, 'tokenizer_config.json');
  if (!fs.existsSync(file)) return {};
  const j = JsonReader.root(file, parseJson(file, fs.readFileSync(file, 'utf8')));
  return j.obj as TokenizerConfig;
}

/** Reads a tokenizer.json and the tokenizer_config.json beside it, if any. */
export function loadTokenizerFile(file: string): Tokenizer {
  const json = parseJson(file, fs.readFileSync(file, 'utf8'));
  return tokenizerFromJSON(json, readConfig(path.dirname(file)), file);
}

/** GPT-2's merges.txt (or vocab.bpe): an optional "#version" line, then one "a b" merge a line. */
export function readMergesFile(file: string): [string, string][] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const merges: [string, string][] = [];
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if ((i === 0 && line.startsWith('#version')) || line === '') return;
    const parts = line.split(' ');
    if (parts.length !== 2 || !parts[0] || !parts[1]) fail('InvalidFile', `${file}: line ${i + 1}: expected two tokens separated by one space, got ${JSON.stringify(line)}`);
    merges.push([parts[0], parts[1]]);
  });
  return merges;
}

/** GPT-2's vocab.json (or encoder.json): token → id. */
export function readVocabJson(file: string): Vocab {
  const j = JsonReader.root(file, parseJson(file, fs.readFileSync(file, 'utf8')));
  const map = new Map<string, number>();
  for (const [tok, id] of Object.entries(j.obj)) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) j.bad(JSON.stringify(tok), 'a non-negative integer id', id);
    map.set(tok, id as number);
  }
  return new Vocab(map, file);
}

/** BERT's vocab.txt: one token a line, the id is the line number from 0. */
export function readVocabTxt(file: string): Vocab {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const map = new Map<string, number>();
  lines.forEach((raw, i) => {
    const tok = raw.replace(/\r$/, '');
    if (tok === '') fail('InvalidFile', `${file}: line ${i + 1}: expected a token, got an empty line`);
    if (map.has(tok)) fail('InvalidFile', `${file}: line ${i + 1}: token ${JSON.stringify(tok)} already appears on line ${map.get(tok)! + 1}`);
    map.set(tok, i);
  });
  return new Vocab(map, file);
}

/** GPT-2 from its original files: vocab.json + merges.txt. */
export function gpt2FromFiles(vocabFile: string, mergesFile: string, config: TokenizerConfig = {}): Tokenizer {
  const t = byteLevelBpeTokenizer(new BPE(readVocabJson(vocabFile), readMergesFile(mergesFile)), ['<|endoftext|>'], config.add_prefix_space === true);
  t.config = config;
  return t;
}

/** BERT from its vocab.txt; lower-cases unless tokenizer_config says `do_lower_case: false`. */
export function bertFromVocabFile(vocabFile: string, config: TokenizerConfig = {}): Tokenizer {
  const lowercase = config.do_lower_case !== false;
  const stripAccents = typeof config.strip_accents === 'boolean' ? config.strip_accents : null;
  const t = bertTokenizer(new WordPiece(readVocabTxt(vocabFile), { unkToken: '[UNK]' }), { lowercase, stripAccents });
  t.config = config;
  return t;
}

/** A folder with tokenizer.json, or vocab.json + merges.txt (encoder.json + vocab.bpe), or vocab.txt. */
export function loadPretrained(dir: string): Tokenizer {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) fail('InvalidFile', `${dir}: expected a folder holding tokenizer.json, vocab.json + merges.txt, or vocab.txt`);
  const has = (f: string) => fs.existsSync(path.join(dir, f));
  if (has('tokenizer.json')) return loadTokenizerFile(path.join(dir, 'tokenizer.json'));
  const config = readConfig(dir);
  if (has('vocab.json') && has('merges.txt')) return gpt2FromFiles(path.join(dir, 'vocab.json'), path.join(dir, 'merges.txt'), config);
  if (has('encoder.json') && has('vocab.bpe')) return gpt2FromFiles(path.join(dir, 'encoder.json'), path.join(dir, 'vocab.bpe'), config);
  if (has('vocab.txt')) return bertFromVocabFile(path.join(dir, 'vocab.txt'), config);
  fail('InvalidFile', `${dir}: found no tokenizer (expected tokenizer.json, vocab.json + merges.txt, encoder.json + vocab.bpe, or vocab.txt)`);
}
