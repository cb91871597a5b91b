import fs from 'node:fs';
import { fail } from '../errors.js';
import type { Tokenizer } from '../tokenizers/tokenizer.js';
import type { Dataset, SeqPair } from './dataset.js';

export interface PairEncodeOptions {
  /** Tokenizer of the target side (default: the source tokenizer). */
  targetTokenizer?: Tokenizer;
  /** Add the tokenizers' special tokens. Default true. */
  addSpecialTokens?: boolean;
  /** Cut each side to at most this many tokens. */
  maxLength?: number;
}

function readLines(file: string): string[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => l.replace(/\r$/, ''));
}

/** Source/target texts encoded once into token pairs. */
export class SeqPairDataset implements Dataset<SeqPair> {
  readonly items: SeqPair[];
  constructor(pairs: [string, string][], tokenizer: Tokenizer, opts: PairEncodeOptions = {}) {
    const tgt = opts.targetTokenizer ?? tokenizer;
    const enc = (t: Tokenizer, s: string) => {
      const ids = t.encodeIds(s, { addSpecialTokens: opts.addSpecialTokens ?? true });
      return Int32Array.from(opts.maxLength ? ids.slice(0, opts.maxLength) : ids);
    };
    this.items = pairs.map(([s, t]) => ({ source: enc(tokenizer, s), target: enc(tgt, t) }));
  }
  get length(): number {
    return this.items.length;
  }
  get(index: number): SeqPair {
    const it = this.items[index];
    if (!it) fail('IndexOutOfRange', `SeqPairDataset.get: index ${index} out of range (expected 0 ≤ index < ${this.length})`);
    return it;
  }
}

/** Two line-aligned files (translation: line i of `sourceFile` translates to line i of `targetFile`). */
export function parallelTextDataset(sourceFile: string, targetFile: string, tokenizer: Tokenizer, opts: PairEncodeOptions = {}): SeqPairDataset {
  const src = readLines(sourceFile);
  const tgt = readLines(targetFile);
  if (src.length !== tgt.length) fail('InvalidFile', `parallel files must have as many lines: ${sourceFile} has ${src.length}, ${targetFile} has ${tgt.length}`);
  return new SeqPairDataset(src.map((s, i) => [s, tgt[i]]), tokenizer, opts);
}

/** Two columns of a tab-separated file (summarization: long text → short text). Columns count from 0. */
export function tsvDataset(file: string, columns: { source: number; target: number }, tokenizer: Tokenizer, opts: PairEncodeOptions = {}): SeqPairDataset {
  const pairs: [string, string][] = readLines(file).map((line, i) => {
    const cols = line.split('\t');
    const need = Math.max(columns.source, columns.target) + 1;
    if (cols.length < need) fail('InvalidFile', `${file}: line ${i + 1}: expected at least ${need} tab-separated columns, got ${cols.length}`);
    return [cols[columns.source], cols[columns.target]];
  });
  return new SeqPairDataset(pairs, tokenizer, opts);
}
