import { type Piece, slicePiece } from '../piece.js';

/** What happens to the matched delimiters (Hugging Face's SplitDelimiterBehavior). */
export type SplitBehavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';
export const SPLIT_BEHAVIORS: SplitBehavior[] = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];

/** Ranges [start, end) of every match of a global regex in `text`, empty matches skipped. */
export function regexMatches(re: RegExp, text: string): [number, number][] {
  const out: [number, number][] = [];
  re.lastIndex = 0;
  for (const m of text.matchAll(re)) if (m[0].length > 0) out.push([m.index!, m.index! + m[0].length]);
  return out;
}

/** Ranges of runs of code points that satisfy `pred` (each code point alone when `single`). */
export function charMatches(text: string, pred: (ch: string, cp: number) => boolean, single: boolean): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    if (pred(w === 1 ? text[i] : text.slice(i, i + 2), cp)) {
      const last = out[out.length - 1];
      if (!single && last && last[1] === i) last[1] = i + w;
      else out.push([i, i + w]);
    }
    i += w;
  }
  return out;
}

/** Splits a piece around sorted, non-overlapping matches, treating the matches by `behavior`. */
export function splitPiece(p: Piece, matches: [number, number][], behavior: SplitBehavior, invert = false): Piece[] {
  const segs: [number, number, boolean][] = [];
  let pos = 0;
  for (const [s, e] of matches) {
    if (s > pos) segs.push([pos, s, invert]);
    segs.push([s, e, !invert]);
    pos = e;
  }
  if (pos < p.text.length) segs.push([pos, p.text.length, invert]);
  const ranges: [number, number][] = [];
  if (behavior === 'MergedWithNext') {
    // A delimiter joins the segment after it, unless that segment is a delimiter too (Hugging Face).
    let nextWasMatch = false;
    for (let k = segs.length - 1; k >= 0; k--) {
      const [s, e, isMatch] = segs[k];
      const first = ranges[ranges.length - 1];
      if (isMatch && !nextWasMatch && first) first[0] = s;
      else ranges.push([s, e]);
      nextWasMatch = isMatch;
    }
    ranges.reverse();
  } else {
    let lastWasMatch = false;
    for (const [s, e, isMatch] of segs) {
      const last = ranges[ranges.length - 1];
      if (behavior === 'Removed') {
        if (!isMatch) ranges.push([s, e]);
      } else if (behavior === 'MergedWithPrevious' && isMatch && !lastWasMatch && last) last[1] = e;
      else if (behavior === 'Contiguous' && isMatch && lastWasMatch && last) last[1] = e;
      else ranges.push([s, e]);
      lastWasMatch = isMatch;
    }
  }
  return ranges.filter(([s, e]) => e > s).map(([s, e]) => slicePiece(p, s, e));
}

/** Applies a piece splitter to every piece. */
export function splitEach(pieces: Piece[], fn: (p: Piece) => Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) for (const q of fn(p)) out.push(q);
  return out;
}
