import type { NormalizedString } from './normalized_string.js';

/**
 * A span of normalized text handed from the pre-tokenizer to the model. `start` is its first unit in
 * the normalized string; when the pre-tokenizer rewrote the text (ByteLevel), `unitStart`/`unitEnd`
 * give for each unit of `text` the normalized range it stands for.
 */
export interface Piece {
  text: string;
  start: number;
  unitStart?: Int32Array;
  unitEnd?: Int32Array;
  /** The piece starts the input (no added token before it); Metaspace's prepend scheme "first" reads it. */
  first?: boolean;
}

/** The normalized range covered by units [a, b) of a piece. */
export function pieceRange(p: Piece, a: number, b: number): [number, number] {
  if (!p.unitStart) return [p.start + a, p.start + b];
  if (b <= a) {
    const x = a < p.text.length ? p.unitStart[a] : p.unitEnd![p.text.length - 1];
    return [x, x];
  }
  return [p.unitStart[a], p.unitEnd![b - 1]];
}

/** Units [a, b) of a piece as a piece of its own. */
export function slicePiece(p: Piece, a: number, b: number): Piece {
  if (!p.unitStart) return { text: p.text.slice(a, b), start: p.start + a };
  return {
    text: p.text.slice(a, b),
    start: p.unitStart[a] ?? p.start,
    unitStart: p.unitStart.subarray(a, b),
    unitEnd: p.unitEnd!.subarray(a, b),
  };
}

/** Maps a token's [a, b) within a piece to offsets in the original input. */
export function tokenOffsets(ns: NormalizedString, p: Piece, a: number, b: number): [number, number] {
  const [s, e] = pieceRange(p, a, b);
  return ns.originalRange(s, e);
}
