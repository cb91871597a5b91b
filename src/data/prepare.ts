import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';
import { safeChunks } from '../tokenizers/chunks.js';
import { Tokenizer } from '../tokenizers/tokenizer.js';
import { trainByteLevelBpe } from '../tokenizers/trainers/bpe.js';
import { trainCharTokenizer } from '../tokenizers/trainers/char.js';
import { progressBar } from '../tokenizers/trainers/progress.js';
import { writeTokenFile } from './token_file.js';

export interface PrepareOptions {
  /** The corpus, a UTF-8 text file. */
  dataFile: string;
  /** 'char' (train a character vocabulary), 'bpe:VOCAB' (train byte-level BPE) or a tokenizer folder. */
  tokenizer: string;
  outDir: string;
  /** The last fraction of the text is the validation split (nanoGPT). Default 0.1. */
  valFraction?: number;
  /** Progress bars (default: when stderr is a TTY). */
  showProgress?: boolean;
  log?: (message: string) => void;
}

export interface PrepareResult {
  vocabSize: number;
  trainTokens: number;
  valTokens: number;
  bytesPerToken: 2 | 4;
  outDir: string;
}

/** nanoGPT's split: the first 1 - valFraction of the characters train, the rest validate (surrogate pairs kept whole). */
export function splitText(text: string, valFraction: number): { train: string; val: string } {
  let split = Math.floor(text.length * (1 - valFraction));
  if (split > 0 && split < text.length && /[\udc00-\udfff]/.test(text[split])) split--;
  return { train: text.slice(0, split), val: text.slice(split) };
}

/** Builds the tokenizer a spec names: 'char', 'bpe:VOCAB' (trained on `text`) or a folder to load. */
export function tokenizerFromSpec(spec: string, text: string, showProgress?: boolean): Tokenizer {
  if (spec === 'char') return trainCharTokenizer(text);
  const m = /^bpe:(\d+)$/.exec(spec);
  if (m) {
    const vocabSize = Number(m[1]);
    if (vocabSize < 257) fail('InvalidArgument', `tokenizer bpe:${vocabSize}: byte-level BPE needs a vocabulary of at least 257 (256 bytes + <|endoftext|>), got ${vocabSize}`);
    return trainByteLevelBpe(text, { vocabSize, showProgress });
  }
  if (spec.startsWith('bpe:')) fail('InvalidArgument', `tokenizer ${JSON.stringify(spec)}: expected bpe:VOCAB with an integer VOCAB`);
  return Tokenizer.fromPretrained(spec);
}

/** Encodes a long text piece by piece (same ids as one call; see safeChunks), with a progress bar. */
export function encodeLongText(tokenizer: Tokenizer, text: string, showProgress?: boolean, label = 'tokenizing'): Uint32Array {
  const bar = progressBar(label, text.length, showProgress);
  let out = new Uint32Array(Math.max(16, text.length >> 2));
  let n = 0;
  let done = 0;
  for (const chunk of safeChunks(text)) {
    const ids = tokenizer.encodeIds(chunk, { addSpecialTokens: false });
    if (n + ids.length > out.length) {
      const bigger = new Uint32Array(Math.max(out.length * 2, n + ids.length));
      bigger.set(out.subarray(0, n));
      out = bigger;
    }
    for (let i = 0; i < ids.length; i++) out[n++] = ids[i];
    done += chunk.length;
    bar.update(done);
  }
  bar.stop();
  return out.slice(0, n);
}

/**
 * `lmkit prepare`: splits a text file into train (the first 1 - valFraction of its characters) and val
 * (the rest), builds or loads the tokenizer, and writes train.bin, val.bin (see writeTokenFile),
 * tokenizer.json (+ tokenizer_config.json) and meta.json into `outDir`.
 */
export function prepareCorpus(opts: PrepareOptions): PrepareResult {
  const valFraction = opts.valFraction ?? 0.1;
  if (!(valFraction >= 0 && valFraction < 1)) fail('InvalidArgument', `prepare: valFraction must be in [0, 1), got ${valFraction}`);
  const log = opts.log ?? (() => {});
  const text = fs.readFileSync(opts.dataFile, 'utf8');
  const { train, val } = splitText(text, valFraction);
  log(`read ${opts.dataFile}: ${text.length} characters (train ${train.length}, val ${val.length})`);
  const tokenizer = tokenizerFromSpec(opts.tokenizer, opts.tokenizer === 'char' ? text : train, opts.showProgress);
  const vocabSize = tokenizer.vocabSize;
  log(`tokenizer ${opts.tokenizer}: vocabulary ${vocabSize}`);
  fs.mkdirSync(opts.outDir, { recursive: true });
  const trainIds = encodeLongText(tokenizer, train, opts.showProgress, 'tokenizing train');
  const valIds = encodeLongText(tokenizer, val, opts.showProgress, 'tokenizing val');
  const bytesPerToken = writeTokenFile(path.join(opts.outDir, 'train.bin'), trainIds, vocabSize);
  writeTokenFile(path.join(opts.outDir, 'val.bin'), valIds, vocabSize);
  tokenizer.savePretrained(opts.outDir);
  const meta = {
    source: path.resolve(opts.dataFile),
    tokenizer: opts.tokenizer,
    vocab_size: vocabSize,
    dtype: bytesPerToken === 2 ? 'uint16' : 'uint32',
    train_tokens: trainIds.length,
    val_tokens: valIds.length,
    val_fraction: valFraction,
  };
  fs.writeFileSync(path.join(opts.outDir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  log(`wrote ${opts.outDir}: train ${trainIds.length} tokens, val ${valIds.length} tokens (${meta.dtype})`);
  return { vocabSize, trainTokens: trainIds.length, valTokens: valIds.length, bytesPerToken, outDir: opts.outDir };
}
