/**
 * The result of encoding one input (or a pair): parallel arrays, one entry per token, as Hugging
 * Face's Encoding. `offsets` are [start, end) UTF-16 unit indices into the input text (of the
 * sequence the token came from; (0, 0) for added special tokens and padding).
 */
export class Encoding {
  constructor(
    public ids: number[] = [],
    public tokens: string[] = [],
    public offsets: [number, number][] = [],
    public typeIds: number[] = [],
    public specialTokensMask: number[] = [],
    public attentionMask: number[] = [],
    /** Which input each token came from: 0 (first), 1 (pair), null (added special tokens, padding). */
    public sequenceIds: (number | null)[] = [],
    public overflowing: Encoding[] = [],
  ) {}

  get length(): number {
    return this.ids.length;
  }

  push(id: number, token: string, offsets: [number, number], typeId: number, special: number, sequenceId: number | null): void {
    this.ids.push(id);
    this.tokens.push(token);
    this.offsets.push(offsets);
    this.typeIds.push(typeId);
    this.specialTokensMask.push(special);
    this.attentionMask.push(1);
    this.sequenceIds.push(sequenceId);
  }

  /** Tokens [a, b) as a new encoding (no overflowing). */
  slice(a: number, b: number): Encoding {
    return new Encoding(
      this.ids.slice(a, b),
      this.tokens.slice(a, b),
      this.offsets.slice(a, b),
      this.typeIds.slice(a, b),
      this.specialTokensMask.slice(a, b),
      this.attentionMask.slice(a, b),
      this.sequenceIds.slice(a, b),
    );
  }

  /** Appends another encoding's tokens (not its overflowing). */
  append(o: Encoding): this {
    for (let i = 0; i < o.length; i++) {
      this.ids.push(o.ids[i]);
      this.tokens.push(o.tokens[i]);
      this.offsets.push(o.offsets[i]);
      this.typeIds.push(o.typeIds[i]);
      this.specialTokensMask.push(o.specialTokensMask[i]);
      this.attentionMask.push(o.attentionMask[i]);
      this.sequenceIds.push(o.sequenceIds[i]);
    }
    return this;
  }

  setTypeId(typeId: number): this {
    this.typeIds.fill(typeId);
    for (const o of this.overflowing) o.setTypeId(typeId);
    return this;
  }

  setSequenceId(seq: number): this {
    this.sequenceIds.fill(seq);
    for (const o of this.overflowing) o.setSequenceId(seq);
    return this;
  }

  /**
   * Pads to `length` tokens with `padId`/`padToken` (attention 0, special 1), on the right or the left;
   * overflowing encodings are padded too.
   */
  pad(length: number, padId: number, padTypeId: number, padToken: string, direction: 'right' | 'left'): this {
    for (const o of this.overflowing) o.pad(length, padId, padTypeId, padToken, direction);
    const n = length - this.length;
    if (n <= 0) return this;
    const fill = <T>(arr: T[], v: T) => {
      const extra = new Array<T>(n).fill(v);
      const joined = direction === 'right' ? arr.concat(extra) : extra.concat(arr);
      arr.length = 0;
      for (const x of joined) arr.push(x);
    };
    fill(this.ids, padId);
    fill(this.tokens, padToken);
    fill(this.typeIds, padTypeId);
    fill(this.specialTokensMask, 1);
    fill(this.attentionMask, 0);
    fill<number | null>(this.sequenceIds, null);
    const offs: [number, number][] = Array.from({ length: n }, () => [0, 0]);
    this.offsets = direction === 'right' ? this.offsets.concat(offs) : offs.concat(this.offsets);
    return this;
  }

  toJSON(): object {
    return {
      ids: this.ids,
      tokens: this.tokens,
      offsets: this.offsets,
      typeIds: this.typeIds,
      attentionMask: this.attentionMask,
      specialTokensMask: this.specialTokensMask,
      overflowing: this.overflowing.map((o) => o.toJSON()),
    };
  }
}
