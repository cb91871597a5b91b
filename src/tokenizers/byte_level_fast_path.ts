import type { Encoding } from './encoding.js';
import type { NormalizedString } from './normalized_string.js';
import { pieceRange } from './piece.js';
import { ByteLevelPreTokenizer, toByteLevel } from './pre_tokenizers/byte_level.js';
import { gpt2Words } from './pre_tokenizers/gpt2_scanner.js';
import type { Model, PreTokenizer } from './types.js';

/** A word's tokens, with offsets relative to the word's raw (not byte-mapped) text. */
interface CachedWord {
  ids: number[];
  tokens: string[];
  starts: number[];
  ends: number[];
}

const CAPACITY = 200_000;

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

/**
 * The ByteLevel pre-tokenizer and a model, fused: words found by the GPT-2 scanner are looked up by
 * their raw text in a cache of tokens and relative offsets, so a repeated word costs one hash lookup
 * (no byte mapping, no Piece objects). Gives exactly what the staged pipeline gives.
 */
export class ByteLevelFastPath {
  private readonly words = new Map<string, CachedWord>();

  private constructor(
    readonly pre: ByteLevelPreTokenizer,
    readonly model: Model,
  ) {}

  /** The fast path for this pipeline, or null when it does not apply (no ByteLevel, prefix spaces added). */
  static for(pre: PreTokenizer | null, model: Model, current: ByteLevelFastPath | null): ByteLevelFastPath | null {
    if (!(pre instanceof ByteLevelPreTokenizer) || pre.addPrefixSpace || !pre.useRegex) return null;
    if (current && current.pre === pre && current.model === model) return current;
    return new ByteLevelFastPath(pre, model);
  }

  private word(raw: string): CachedWord {
    let w = this.words.get(raw);
    if (w) return w;
    w = { ids: [], tokens: [], starts: [], ends: [] };
    if (isAscii(raw)) {
      // One byte per unit: the byte-level word aligns with the raw word unit for unit.
      for (const t of this.model.tokenize(toByteLevel(raw))) {
        w.ids.push(t.id);
        w.tokens.push(t.value);
        w.starts.push(t.start);
        w.ends.push(t.end);
      }
    } else for (const p of this.pre.preTokenize([{ text: raw, start: 0 }])) {
      for (const t of this.model.tokenize(p.text)) {
        const [s, e] = pieceRange(p, t.start, t.end);
        w.ids.push(t.id);
        w.tokens.push(t.value);
        w.starts.push(s);
        w.ends.push(e);
      }
    }
    if (this.words.size >= CAPACITY) this.words.clear();
    this.words.set(raw, w);
    return w;
  }

  /** Appends the ids of `text` (already normalized, without added tokens). */
  ids(text: string, out: number[]): void {
    gpt2Words(text, (s, e) => {
      const ids = this.word(text.slice(s, e)).ids;
      for (let k = 0; k < ids.length; k++) out.push(ids[k]);
    });
  }

  /** Appends the tokens of normalized units [from, to) of `ns`, with offsets into the original input. */
  encode(ns: NormalizedString, from: number, to: number, enc: Encoding, sequenceId: number): void {
    const text = from === 0 && to === ns.normalized.length ? ns.normalized : ns.normalized.slice(from, to);
    gpt2Words(text, (s, e) => {
      const w = this.word(text.slice(s, e));
      const base = from + s;
      for (let k = 0; k < w.ids.length; k++) enc.push(w.ids[k], w.tokens[k], ns.originalRange(base + w.starts[k], base + w.ends[k]), sequenceId, 0, sequenceId);
    });
  }
}
