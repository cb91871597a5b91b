import { safeChunks } from '../chunks.js';
import type { Tokenizer } from '../tokenizer.js';
import { progressBar } from './progress.js';

/** Training text: one string, or many (lines, documents, files' contents). */
export type Corpus = string | Iterable<string>;

function* texts(corpus: Corpus): Generator<string> {
  if (typeof corpus === 'string') yield* safeChunks(corpus);
  else for (const t of corpus) yield* safeChunks(t);
}

/** Counts the words the tokenizer's normalizer and pre-tokenizer make of the corpus. */
export function countWords(tokenizer: Tokenizer, corpus: Corpus, showProgress?: boolean): Map<string, number> {
  const counts = new Map<string, number>();
  const total = typeof corpus === 'string' ? corpus.length : Array.isArray(corpus) ? corpus.reduce((n: number, t: string) => n + t.length, 0) : 0;
  const bar = progressBar('counting words', total, total > 0 ? showProgress : false);
  let done = 0;
  for (const t of texts(corpus)) {
    for (const w of tokenizer.preTokenizeWords(t)) counts.set(w, (counts.get(w) ?? 0) + 1);
    done += t.length;
    bar.update(done);
  }
  bar.stop();
  return counts;
}

/** Counts code points (characters) of the corpus. */
export function countChars(corpus: Corpus): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of typeof corpus === 'string' ? [corpus] : corpus) for (const ch of t) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  return counts;
}

/** Compares strings by code point (not UTF-16 unit), for orders that do not depend on the engine. */
export function byCodePoint(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}
