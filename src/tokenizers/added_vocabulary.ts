import { fail } from '../errors.js';
import { NormalizedString } from './normalized_string.js';
import type { Normalizer } from './types.js';

/** A token matched in text before the model runs ([CLS], <|endoftext|>, or a user's addition). */
export interface AddedToken {
  content: string;
  id: number;
  /** Special tokens are skipped by `decode(ids, { skipSpecialTokens: true })`. */
  special: boolean;
  /** Match only when not inside a word. */
  singleWord: boolean;
  /** Swallow whitespace on the left / right of a match. */
  lstrip: boolean;
  rstrip: boolean;
  /** Match in normalized text (true) or in the raw input (false). */
  normalized: boolean;
}

/** A span of text: an added token (`id`) or ordinary text (`id` null). */
export interface Segment {
  start: number;
  end: number;
  id: number | null;
}

const WORD_CHAR = /[\p{L}\p{N}_]/u;
const SPACE = /\s/u;

/** The added tokens of a tokenizer and the matchers that find them in text, longest match first. */
export class AddedVocabulary {
  readonly tokens: AddedToken[] = [];
  private readonly byContent = new Map<string, AddedToken>();
  readonly byId = new Map<number, AddedToken>();
  private rawMatcher: RegExp | null = null;
  /** Tokens with `normalized: true` are matched by their content as the current normalizer rewrites it. */
  private normalizedMatcher: { normalizer: Normalizer | null; re: RegExp | null; byContent: Map<string, AddedToken> } | null = null;

  add(token: AddedToken): void {
    if (!token.content) fail('InvalidArgument', 'added token: content must not be empty');
    const old = this.byContent.get(token.content);
    if (old) {
      if (old.id !== token.id) fail('InvalidFile', `added_tokens: ${JSON.stringify(token.content)} appears with ids ${old.id} and ${token.id}`);
      Object.assign(old, token);
    } else {
      this.tokens.push(token);
      this.byContent.set(token.content, token);
    }
    this.byId.set(token.id, this.byContent.get(token.content)!);
    this.rawMatcher = this.build(this.tokens.filter((t) => !t.normalized).map((t) => t.content));
    this.normalizedMatcher = null;
  }

  get(content: string): AddedToken | undefined {
    return this.byContent.get(content);
  }

  private build(contents: string[]): RegExp | null {
    contents = contents.filter((c) => c.length > 0);
    if (contents.length === 0) return null;
    contents.sort((a, b) => b.length - a.length);
    return new RegExp(contents.map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gu');
  }

  /** Splits raw input around tokens with `normalized: false`. */
  splitRaw(text: string): Segment[] {
    return this.split(text, this.rawMatcher, this.byContent);
  }

  /** Splits normalized text around tokens with `normalized: true` (their content normalized the same way). */
  splitNormalized(text: string, normalizer: Normalizer | null): Segment[] {
    let m = this.normalizedMatcher;
    if (!m || m.normalizer !== normalizer) {
      const byContent = new Map<string, AddedToken>();
      for (const t of this.tokens) {
        if (!t.normalized) continue;
        const ns = new NormalizedString(t.content);
        normalizer?.normalize(ns);
        if (!byContent.has(ns.normalized)) byContent.set(ns.normalized, t);
      }
      m = this.normalizedMatcher = { normalizer, re: this.build([...byContent.keys()]), byContent };
    }
    return this.split(text, m.re, m.byContent);
  }

  private split(text: string, re: RegExp | null, byContent: Map<string, AddedToken>): Segment[] {
    if (!re) return text.length ? [{ start: 0, end: text.length, id: null }] : [];
    const out: Segment[] = [];
    let pos = 0;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      const tok = byContent.get(m[0])!;
      let s = m.index;
      let e = s + m[0].length;
      if (tok.singleWord) {
        const before = s > 0 ? text[s - 1] : '';
        const after = e < text.length ? text[e] : '';
        if ((before && WORD_CHAR.test(before)) || (after && WORD_CHAR.test(after))) {
          re.lastIndex = s + 1;
          continue;
        }
      }
      if (tok.lstrip) while (s > pos && SPACE.test(text[s - 1])) s--;
      if (tok.rstrip) while (e < text.length && SPACE.test(text[e])) e++;
      if (s > pos) out.push({ start: pos, end: s, id: null });
      out.push({ start: s, end: e, id: tok.id });
      pos = e;
      re.lastIndex = e;
    }
    if (pos < text.length) out.push({ start: pos, end: text.length, id: null });
    return out;
  }

  toJSON(): object[] {
    return [...this.tokens]
      .sort((a, b) => a.id - b.id)
      .map((t) => ({
        id: t.id,
        content: t.content,
        single_word: t.singleWord,
        lstrip: t.lstrip,
        rstrip: t.rstrip,
        normalized: t.normalized,
        special: t.special,
      }));
  }
}
