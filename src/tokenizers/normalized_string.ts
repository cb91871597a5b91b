/**
 * A string under normalization that remembers, for every UTF-16 unit of its normalized form, the
 * [start, end) range of the original text it came from (Hugging Face's NormalizedString). Offsets are
 * UTF-16 unit indices into the text given to `encode`; `shift` is where this segment starts in it.
 */
export class NormalizedString {
  /** Two entries per normalized unit (start, end), relative to the segment; null while unchanged. */
  private alignments: Int32Array | null = null;

  constructor(
    readonly original: string,
    public normalized: string = original,
    readonly shift = 0,
  ) {}

  /** The original range (shifted to the whole input) of the normalized units [start, end). */
  originalRange(start: number, end: number): [number, number] {
    const al = this.alignments;
    if (!al) return [start + this.shift, end + this.shift];
    const n = this.normalized.length;
    if (n === 0) return [this.shift, this.shift];
    if (end <= start) {
      const p = start < n ? al[2 * start] : al[2 * n - 1];
      return [p + this.shift, p + this.shift];
    }
    return [al[2 * start] + this.shift, al[2 * (end - 1) + 1] + this.shift];
  }

  private unitRange(i: number): [number, number] {
    return this.alignments ? [this.alignments[2 * i], this.alignments[2 * i + 1]] : [i, i + 1];
  }

  /**
   * Replaces each code point by `fn(ch)` ('' removes it); every unit of a replacement aligns with the
   * original range of the code point it replaces.
   */
  mapChars(fn: (ch: string, cp: number) => string): this {
    const src = this.normalized;
    const n = src.length;
    let out = '';
    let al = new Int32Array(Math.max(8, 2 * n));
    let len = 0;
    let changed = false;
    for (let i = 0; i < n; ) {
      const c = src.charCodeAt(i);
      const w = c >= 0xd800 && c <= 0xdbff && i + 1 < n && (src.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
      const ch = w === 1 ? src[i] : src.slice(i, i + 2);
      const rep = fn(ch, w === 1 ? c : ch.codePointAt(0)!);
      if (rep !== ch) changed = true;
      const s = this.alignments ? this.alignments[2 * i] : i;
      const e = this.alignments ? this.alignments[2 * (i + w - 1) + 1] : i + w;
      if (len + 2 * rep.length > al.length) {
        const bigger = new Int32Array(Math.max(al.length * 2, len + 2 * rep.length));
        bigger.set(al.subarray(0, len));
        al = bigger;
      }
      for (let k = 0; k < rep.length; k++) {
        al[len++] = s;
        al[len++] = e;
      }
      out += rep;
      i += w;
    }
    if (!changed) return this;
    this.normalized = out;
    this.alignments = al.slice(0, len);
    return this;
  }

  /**
   * Replaces each match of `groups` (a global regex that must cover the whole string) by `fn(match)`;
   * replacement units align with the whole matched range.
   */
  mapGroups(groups: RegExp, fn: (group: string) => string): this {
    const src = this.normalized;
    let out = '';
    const al: number[] = [];
    let changed = false;
    groups.lastIndex = 0;
    for (const m of src.matchAll(groups)) {
      const i = m.index!;
      const g = m[0];
      const rep = fn(g);
      const s = this.unitRange(i)[0];
      const e = this.unitRange(i + g.length - 1)[1];
      for (let k = 0; k < rep.length; k++) al.push(s, e);
      out += rep;
      if (rep !== g) changed = true;
    }
    if (!changed) return this;
    this.alignments = Int32Array.from(al);
    this.normalized = out;
    return this;
  }

  /** Puts `prefix` in front (when not empty); its units align with the first unit. */
  prepend(prefix: string): this {
    if (this.normalized.length === 0 || prefix.length === 0) return this;
    const [s, e] = this.unitRange(0);
    const al = new Int32Array(2 * (prefix.length + this.normalized.length));
    for (let k = 0; k < prefix.length; k++) {
      al[2 * k] = s;
      al[2 * k + 1] = e;
    }
    for (let i = 0; i < this.normalized.length; i++) {
      const [a, b] = this.unitRange(i);
      al[2 * (prefix.length + i)] = a;
      al[2 * (prefix.length + i) + 1] = b;
    }
    this.normalized = prefix + this.normalized;
    this.alignments = al;
    return this;
  }

  /** Replaces every match of a global regex by `content`, whose units align with the matched range. */
  replace(re: RegExp, content: string): this {
    const src = this.normalized;
    const ranges: [number, number][] = [];
    re.lastIndex = 0;
    for (const m of src.matchAll(re)) if (m[0].length > 0) ranges.push([m.index!, m.index! + m[0].length]);
    if (ranges.length === 0) return this;
    let out = '';
    const al: number[] = [];
    const keep = (a: number, b: number) => {
      out += src.slice(a, b);
      for (let i = a; i < b; i++) al.push(...this.unitRange(i));
    };
    let pos = 0;
    for (const [a, b] of ranges) {
      keep(pos, a);
      const start = this.unitRange(a)[0];
      const end = this.unitRange(b - 1)[1];
      for (let k = 0; k < content.length; k++) al.push(start, end);
      out += content;
      pos = b;
    }
    keep(pos, src.length);
    this.normalized = out;
    this.alignments = Int32Array.from(al);
    return this;
  }
}
