import { fail } from '../../errors.js';
import type { Token } from '../types.js';
import { PairMap } from './pair_map.js';
import type { Vocab } from './vocab.js';
import { VocabModel } from './vocab_model.js';

export interface BPEOptions {
  /** Token for characters missing from the vocabulary; without it they are dropped (as Hugging Face does). */
  unkToken?: string | null;
  /** Prefix of tokens that continue a word ('##'). */
  continuingSubwordPrefix?: string | null;
  /** Suffix of tokens that end a word ('</w>'). */
  endOfWordSuffix?: string | null;
  /** Merge consecutive unknown characters into one unk token. Default false. */
  fuseUnk?: boolean;
  /** Encode unknown characters as their UTF-8 bytes `<0xXX>` when those tokens exist. Default false. */
  byteFallback?: boolean;
  /** A word found whole in the vocabulary is one token, without merging. Default false. */
  ignoreMerges?: boolean;
  /** Words remembered with their tokens (0 disables the cache). Default 100000. */
  cacheCapacity?: number;
}

interface BpeWord {
  ids: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
}

/** Binary min-heap of numbers (priority and position packed into one number). */
class MinHeap {
  private a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  push(v: number): void {
    const a = this.a;
    let i = a.length;
    a.push(v);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p] <= v) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = v;
  }
  pop(): number {
    const a = this.a;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      const n = a.length;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && a[c + 1] < a[c]) c++;
        if (a[c] >= last) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

const POS_SPAN = 2 ** 24;
/** Words with more symbols than this merge with a heap and linked list instead of rescanning. */
const SHORT_WORD = 24;

/**
 * Byte-pair encoding (Sennrich et al.; GPT-2 when fed byte-level words): a word starts as characters
 * and the adjacent pair with the lowest merge rank is merged, leftmost first, until no pair has a
 * rank. Words are cached with their tokens.
 */
export class BPE extends VocabModel {
  readonly type = 'BPE';
  readonly merges: [string, string][];
  readonly unkToken: string | null;
  readonly continuingSubwordPrefix: string | null;
  readonly endOfWordSuffix: string | null;
  readonly fuseUnk: boolean;
  readonly byteFallback: boolean;
  readonly ignoreMerges: boolean;
  private readonly pairs: PairMap;
  private readonly cache = new Map<string, BpeWord>();
  private readonly cacheCapacity: number;
  private readonly unkId: number;
  /** Token id of each single BMP character (-1: none); only when tokens carry no prefix or suffix. */
  private readonly charIds: Int32Array | null = null;

  constructor(vocab: Vocab | Map<string, number>, merges: [string, string][], opts: BPEOptions = {}) {
    super(vocab);
    this.merges = merges;
    this.unkToken = opts.unkToken ?? null;
    this.continuingSubwordPrefix = opts.continuingSubwordPrefix || null;
    this.endOfWordSuffix = opts.endOfWordSuffix || null;
    this.fuseUnk = opts.fuseUnk ?? false;
    this.byteFallback = opts.byteFallback ?? false;
    this.ignoreMerges = opts.ignoreMerges ?? false;
    this.cacheCapacity = opts.cacheCapacity ?? 100_000;
    this.unkId = this.requireUnkId(this.unkToken);
    const prefixLen = this.continuingSubwordPrefix?.length ?? 0;
    this.pairs = new PairMap(merges.length);
    for (let rank = 0; rank < merges.length; rank++) {
      const [a, b] = merges[rank];
      const ia = this.vocab.toId.get(a);
      const ib = this.vocab.toId.get(b);
      const merged = a + (prefixLen && b.startsWith(this.continuingSubwordPrefix!) ? b.slice(prefixLen) : b);
      const id = this.vocab.toId.get(merged);
      if (ia === undefined || ib === undefined || id === undefined) {
        const missing = ia === undefined ? a : ib === undefined ? b : merged;
        fail('InvalidFile', `BPE: merges[${rank}] "${a} ${b}": token ${JSON.stringify(missing)} is not in the vocabulary`);
      }
      this.pairs.setIfAbsent(ia, ib, rank, id);
    }
    if (!this.continuingSubwordPrefix && !this.endOfWordSuffix) {
      this.charIds = new Int32Array(65536).fill(-1);
      for (const [tok, id] of this.vocab.toId) {
        const c = tok.charCodeAt(0);
        if (tok.length === 1 && (c < 0xd800 || c > 0xdfff)) this.charIds[c] = id;
      }
    }
  }

  /** The merge rank of a pair of tokens, or -1 (for tools that show BPE's work). */
  mergeRank(a: number, b: number): number {
    return this.pairs.rank(a, b);
  }

  /** The token a pair merges into, or -1. */
  mergeResult(a: number, b: number): number {
    return this.pairs.id(a, b);
  }

  tokenize(word: string): Token[] {
    const w = this.word(word);
    const out: Token[] = new Array(w.ids.length);
    for (let i = 0; i < w.ids.length; i++) out[i] = { id: w.ids[i], value: this.vocab.toToken[w.ids[i]]!, start: w.starts[i], end: w.ends[i] };
    return out;
  }

  tokenizeIds(word: string): Int32Array {
    return this.word(word).ids;
  }

  private word(word: string): BpeWord {
    const hit = this.cache.get(word);
    if (hit) return hit;
    const w = this.merge(word);
    if (this.cacheCapacity > 0) {
      if (this.cache.size >= this.cacheCapacity) this.cache.clear();
      this.cache.set(word, w);
    }
    return w;
  }

  /** The word's characters as initial symbols (ids with their unit ranges). */
  initialSymbols(word: string): BpeWord {
    if (this.ignoreMerges) {
      const id = this.vocab.toId.get(word);
      if (id !== undefined) return { ids: Int32Array.of(id), starts: Int32Array.of(0), ends: Int32Array.of(word.length) };
    }
    return this.knownCharSymbols(word) ?? this.anySymbols(word);
  }

  /** The common case: every unit is a BMP character with its own token (byte-level words always are). */
  private knownCharSymbols(word: string): BpeWord | null {
    const table = this.charIds;
    if (!table) return null;
    const n = word.length;
    const ids = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const id = table[word.charCodeAt(i)];
      if (id < 0) return null;
      ids[i] = id;
    }
    const starts = new Int32Array(n);
    const ends = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      starts[i] = i;
      ends[i] = i + 1;
    }
    return { ids, starts, ends };
  }

  private anySymbols(word: string): BpeWord {
    const ids: number[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    const prefix = this.continuingSubwordPrefix;
    const suffix = this.endOfWordSuffix;
    let lastUnk = false;
    for (let i = 0; i < word.length; ) {
      const cp = word.codePointAt(i)!;
      const width = cp > 0xffff ? 2 : 1;
      let ch = width === 1 ? word[i] : word.slice(i, i + 2);
      if (prefix && i > 0) ch = prefix + ch;
      if (suffix && i + width === word.length) ch += suffix;
      const id = this.vocab.toId.get(ch);
      if (id !== undefined) {
        ids.push(id);
        starts.push(i);
        ends.push(i + width);
        lastUnk = false;
      } else if (this.byteFallback && this.pushBytes(word.slice(i, i + width), i, width, ids, starts, ends)) {
        lastUnk = false;
      } else if (this.unkId >= 0) {
        if (this.fuseUnk && lastUnk) ends[ends.length - 1] = i + width;
        else {
          ids.push(this.unkId);
          starts.push(i);
          ends.push(i + width);
        }
        lastUnk = true;
      }
      i += width;
    }
    return { ids: Int32Array.from(ids), starts: Int32Array.from(starts), ends: Int32Array.from(ends) };
  }

  private pushBytes(ch: string, i: number, width: number, ids: number[], starts: number[], ends: number[]): boolean {
    const bytes = new TextEncoder().encode(ch);
    const byteIds: number[] = [];
    for (const b of bytes) {
      const id = this.vocab.toId.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
      if (id === undefined) return false;
      byteIds.push(id);
    }
    for (const id of byteIds) {
      ids.push(id);
      starts.push(i);
      ends.push(i + width);
    }
    return true;
  }

  private merge(word: string): BpeWord {
    const w = this.initialSymbols(word);
    if (w.ids.length < 2) return w;
    return w.ids.length <= SHORT_WORD ? this.mergeShort(w) : this.mergeLong(w);
  }

  /** Rescans all pairs for the lowest rank after every merge: fastest for short words. */
  private mergeShort(w: BpeWord): BpeWord {
    const { ids, starts, ends } = w;
    const pairs = this.pairs;
    let n = ids.length;
    while (n > 1) {
      let best = -1;
      let bestRank = 0x7fffffff;
      for (let i = 0; i + 1 < n; i++) {
        const r = pairs.rank(ids[i], ids[i + 1]);
        if (r >= 0 && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      ids[best] = pairs.id(ids[best], ids[best + 1]);
      ends[best] = ends[best + 1];
      ids.copyWithin(best + 1, best + 2, n);
      starts.copyWithin(best + 1, best + 2, n);
      ends.copyWithin(best + 1, best + 2, n);
      n--;
    }
    return n === ids.length ? w : { ids: ids.slice(0, n), starts: starts.slice(0, n), ends: ends.slice(0, n) };
  }

  /** Merges with a heap of (rank, position) over a linked list of symbols: O(n log n) for long words. */
  private mergeLong(w: BpeWord): BpeWord {
    const n = w.ids.length;
    if (n >= POS_SPAN) fail('InvalidArgument', `BPE: a word of ${n} symbols is too long (expected fewer than ${POS_SPAN})`);
    const ids = Int32Array.from(w.ids);
    const ends = Int32Array.from(w.ends);
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    const heap = new MinHeap();
    const pairs = this.pairs;
    const pushPair = (i: number) => {
      const j = next[i];
      if (i < 0 || j < 0) return;
      const r = pairs.rank(ids[i], ids[j]);
      if (r >= 0) heap.push(r * POS_SPAN + i);
    };
    for (let i = 0; i + 1 < n; i++) pushPair(i);
    while (heap.size > 0) {
      const top = heap.pop();
      const pos = top % POS_SPAN;
      const rank = (top - pos) / POS_SPAN;
      const j = next[pos];
      if (ids[pos] < 0 || j < 0 || pairs.rank(ids[pos], ids[j]) !== rank) continue;
      ids[pos] = pairs.id(ids[pos], ids[j]);
      ends[pos] = ends[j];
      ids[j] = -1;
      next[pos] = next[j];
      if (next[j] >= 0) prev[next[j]] = pos;
      pushPair(prev[pos]);
      pushPair(pos);
    }
    const outIds: number[] = [];
    const outStarts: number[] = [];
    const outEnds: number[] = [];
    for (let i = 0; i >= 0; i = next[i]) {
      outIds.push(ids[i]);
      outStarts.push(w.starts[i]);
      outEnds.push(ends[i]);
    }
    return { ids: Int32Array.from(outIds), starts: Int32Array.from(outStarts), ends: Int32Array.from(outEnds) };
  }

  toJSON(): object {
    const arrays = this.merges.some(([a, b]) => a.includes(' ') || b.includes(' '));
    return {
      type: this.type,
      dropout: null,
      unk_token: this.unkToken,
      continuing_subword_prefix: this.continuingSubwordPrefix,
      end_of_word_suffix: this.endOfWordSuffix,
      fuse_unk: this.fuseUnk,
      byte_fallback: this.byteFallback,
      ignore_merges: this.ignoreMerges,
      vocab: this.vocab.toJSON(),
      merges: this.merges.map(([a, b]) => (arrays ? [a, b] : `${a} ${b}`)),
    };
  }
}
