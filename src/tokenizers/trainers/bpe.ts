import { fail } from '../../errors.js';
import { byteLevelAlphabet } from '../byte_level_alphabet.js';
import { BPE } from '../models/bpe.js';
import { byteLevelBpeTokenizer } from '../presets.js';
import type { Tokenizer } from '../tokenizer.js';
import { byCodePoint, type Corpus, countWords } from './corpus.js';
import { progressBar } from './progress.js';

export interface BpeTrainerOptions {
  /** Target vocabulary size (special tokens and alphabet included). */
  vocabSize: number;
  /** Stop when the most frequent pair occurs fewer times than this. Default 0 (merge any pair seen). */
  minFrequency?: number;
  /** Tokens placed first in the vocabulary, in this order (ids 0, 1, ...). */
  specialTokens?: string[];
  /** Characters always in the vocabulary (byte-level: all 256 byte characters). */
  initialAlphabet?: string[];
  continuingSubwordPrefix?: string | null;
  endOfWordSuffix?: string | null;
  /** Progress bar (default: when stderr is a TTY and the work is large). */
  showProgress?: boolean;
}

const KEY = 2 ** 21;

/** Max-heap of (count, pair key): highest count first, ties to the smallest pair of ids. */
class PairQueue {
  private counts: number[] = [];
  private keys: number[] = [];
  get size(): number {
    return this.keys.length;
  }
  private before(i: number, j: number): boolean {
    return this.counts[i] > this.counts[j] || (this.counts[i] === this.counts[j] && this.keys[i] < this.keys[j]);
  }
  private swap(i: number, j: number): void {
    [this.counts[i], this.counts[j]] = [this.counts[j], this.counts[i]];
    [this.keys[i], this.keys[j]] = [this.keys[j], this.keys[i]];
  }
  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.keys.length - 1;
    while (i > 0 && this.before(i, (i - 1) >> 1)) {
      this.swap(i, (i - 1) >> 1);
      i = (i - 1) >> 1;
    }
  }
  pop(): [number, number] {
    const top: [number, number] = [this.counts[0], this.keys[0]];
    const last = this.keys.length - 1;
    this.swap(0, last);
    this.counts.pop();
    this.keys.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.keys.length && this.before(l, m)) m = l;
      if (r < this.keys.length && this.before(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return top;
  }
}

/**
 * Learns BPE merges from word counts (Hugging Face's BpeTrainer): start from characters, repeatedly
 * merge the most frequent adjacent pair (ties: the pair with the smallest ids), until the vocabulary
 * reaches `vocabSize`. Words are visited in sorted order, so training is deterministic.
 */
export class BpeTrainer {
  constructor(readonly opts: BpeTrainerOptions) {
    if (!Number.isInteger(opts.vocabSize) || opts.vocabSize < 1) fail('InvalidArgument', `BpeTrainer: vocabSize must be a positive integer, got ${opts.vocabSize}`);
  }

  train(counts: Map<string, number>): BPE {
    const { vocabSize, specialTokens = [], initialAlphabet = [] } = this.opts;
    const minFrequency = Math.max(1, this.opts.minFrequency ?? 0);
    const prefix = this.opts.continuingSubwordPrefix || null;
    const suffix = this.opts.endOfWordSuffix || null;
    const vocab: string[] = [];
    const ids = new Map<string, number>();
    const add = (t: string) => {
      let id = ids.get(t);
      if (id === undefined) {
        id = vocab.length;
        if (id >= KEY) fail('InvalidArgument', `BpeTrainer: vocabulary over ${KEY} tokens is not supported`);
        vocab.push(t);
        ids.set(t, id);
      }
      return id;
    };
    for (const s of specialTokens) add(s);
    const words = [...counts.keys()].sort(byCodePoint);
    const alphabet = new Set(initialAlphabet);
    for (const w of words) for (const ch of w) alphabet.add(ch);
    for (const ch of [...alphabet].sort(byCodePoint)) add(ch);

    const syms: number[][] = [];
    const freq: number[] = [];
    for (const w of words) {
      const chars = [...w];
      syms.push(chars.map((ch, i) => add((prefix && i > 0 ? prefix + ch : ch) + (suffix && i === chars.length - 1 ? suffix : ''))));
      freq.push(counts.get(w)!);
    }

    const pairCount = new Map<number, number>();
    const where = new Map<number, Set<number>>();
    for (let wi = 0; wi < syms.length; wi++) {
      const s = syms[wi];
      for (let i = 0; i + 1 < s.length; i++) {
        const k = s[i] * KEY + s[i + 1];
        pairCount.set(k, (pairCount.get(k) ?? 0) + freq[wi]);
        let set = where.get(k);
        if (!set) where.set(k, (set = new Set()));
        set.add(wi);
      }
    }
    const queue = new PairQueue();
    for (const [k, c] of pairCount) if (c > 0) queue.push(c, k);

    const merges: [string, string][] = [];
    const bar = progressBar('training BPE', vocabSize, this.opts.showProgress, 2000);
    while (vocab.length < vocabSize && queue.size > 0) {
      const [c, k] = queue.pop();
      const current = pairCount.get(k) ?? 0;
      if (c !== current) {
        if (current > 0) queue.push(current, k);
        continue;
      }
      if (c < minFrequency) break;
      const a = Math.floor(k / KEY);
      const b = k % KEY;
      const right = prefix && vocab[b].startsWith(prefix) ? vocab[b].slice(prefix.length) : vocab[b];
      const newId = add(vocab[a] + right);
      merges.push([vocab[a], vocab[b]]);
      const fresh = new Set<number>();
      const change = (x: number, y: number, delta: number, wi: number) => {
        const key = x * KEY + y;
        pairCount.set(key, (pairCount.get(key) ?? 0) + delta);
        if (delta > 0) {
          let set = where.get(key);
          if (!set) where.set(key, (set = new Set()));
          set.add(wi);
          fresh.add(key);
        }
      };
      for (const wi of where.get(k) ?? []) {
        const s = syms[wi];
        const f = freq[wi];
        const merged: number[] = [];
        let hit = false;
        for (let i = 0; i < s.length; ) {
          if (i + 1 < s.length && s[i] === a && s[i + 1] === b) {
            // Only the neighbours' pairs change: (prev, a) → (prev, new), (b, next) → (new, next).
            if (merged.length > 0) {
              const prev = merged[merged.length - 1];
              change(prev, a, -f, wi);
              change(prev, newId, f, wi);
            }
            if (i + 2 < s.length) {
              change(b, s[i + 2], -f, wi);
              change(newId, s[i + 2], f, wi);
            }
            merged.push(newId);
            hit = true;
            i += 2;
          } else merged.push(s[i++]);
        }
        if (hit) syms[wi] = merged;
      }
      where.delete(k);
      pairCount.delete(k);
      for (const p of [...fresh].sort((x, y) => x - y)) {
        const n = pairCount.get(p) ?? 0;
        if (n > 0) queue.push(n, p);
      }
      bar.update(vocab.length);
    }
    bar.stop();
    return new BPE(
      new Map(vocab.map((t, i) => [t, i])),
      merges,
      { continuingSubwordPrefix: prefix, endOfWordSuffix: suffix },
    );
  }
}

/**
 * Trains a GPT-2-style byte-level BPE tokenizer on a corpus: the 256 byte characters are always in the
 * vocabulary, so any text encodes and decodes exactly. `specialTokens` (default ['<|endoftext|>'])
 * take the first ids and are matched in text.
 */
export function trainByteLevelBpe(corpus: Corpus, opts: BpeTrainerOptions & { addPrefixSpace?: boolean }): Tokenizer {
  const specialTokens = opts.specialTokens ?? ['<|endoftext|>'];
  const counting = byteLevelBpeTokenizer(new BPE(new Map(), []), [], opts.addPrefixSpace ?? false);
  const counts = countWords(counting, corpus, opts.showProgress);
  const model = new BpeTrainer({ ...opts, specialTokens, initialAlphabet: byteLevelAlphabet() }).train(counts);
  return byteLevelBpeTokenizer(model, specialTokens, opts.addPrefixSpace ?? false);
}
