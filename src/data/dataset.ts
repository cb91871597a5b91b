/** Anything indexable: `length` items, `get(i)` for 0 ≤ i < length. */
export interface Dataset<T> {
  readonly length: number;
  get(index: number): T;
}

/** A source/target pair of token sequences (translation, summarization). */
export interface SeqPair {
  source: Int32Array;
  target: Int32Array;
}

/** A language-modelling window: `x` tokens and `y` the same shifted by one. */
export interface LMWindow {
  x: Int32Array;
  y: Int32Array;
}
