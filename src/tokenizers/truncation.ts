import { fail } from '../errors.js';
import type { Encoding } from './encoding.js';

/** How to cut inputs longer than `maxLength` tokens (special tokens included). */
export interface TruncationOptions {
  maxLength: number;
  /** Tokens each overflowing window repeats from the previous one. Default 0. */
  stride?: number;
  /** For pairs: cut the longer one first, or only one of them. Default 'longest_first'. */
  strategy?: 'longest_first' | 'only_first' | 'only_second';
  /** Keep the start ('right': cut the end) or the end ('left'). Default 'right'. */
  direction?: 'right' | 'left';
}

/**
 * Cuts an encoding to `maxLen` tokens; the cut-off rest becomes `overflowing` windows of `maxLen`
 * tokens that overlap by `stride` (Hugging Face's Encoding::truncate).
 */
export function truncateEncoding(e: Encoding, maxLen: number, stride: number, direction: 'right' | 'left'): void {
  const len = e.length;
  if (maxLen >= len) return;
  if (maxLen === 0) {
    const all = e.slice(0, len);
    e.overflowing = [all];
    for (const key of ['ids', 'tokens', 'offsets', 'typeIds', 'specialTokensMask', 'attentionMask', 'sequenceIds'] as const) e[key].length = 0;
    return;
  }
  if (stride >= maxLen) fail('InvalidArgument', `truncation: stride must be smaller than the room left for tokens (expected < ${maxLen}, got ${stride})`);
  const step = maxLen - stride;
  const ranges: [number, number][] = [];
  if (direction === 'right') {
    for (let start = 0; start < len; start += step) {
      const stop = Math.min(start + maxLen, len);
      ranges.push([start, stop]);
      if (stop === len) break;
    }
  } else {
    for (let stop = len; stop > 0; stop -= step) {
      const start = Math.max(0, stop - maxLen);
      ranges.push([start, stop]);
      if (start === 0) break;
    }
  }
  const parts = ranges.map(([a, b]) => e.slice(a, b));
  const first = parts[0];
  e.ids = first.ids;
  e.tokens = first.tokens;
  e.offsets = first.offsets;
  e.typeIds = first.typeIds;
  e.specialTokensMask = first.specialTokensMask;
  e.attentionMask = first.attentionMask;
  e.sequenceIds = first.sequenceIds;
  e.overflowing = parts.slice(1);
}

/** Truncates one sequence or a pair so that, with `added` special tokens, they fit `opts.maxLength`. */
export function truncatePair(a: Encoding, b: Encoding | null, added: number, opts: TruncationOptions): void {
  const stride = opts.stride ?? 0;
  const direction = opts.direction ?? 'right';
  const room = opts.maxLength - added;
  if (room < 0) fail('InvalidArgument', `truncation: maxLength ${opts.maxLength} leaves no room after ${added} special tokens`);
  if (!b) {
    truncateEncoding(a, room, stride, direction);
    return;
  }
  const toRemove = a.length + b.length - room;
  if (toRemove <= 0) return;
  switch (opts.strategy ?? 'longest_first') {
    case 'only_first':
      if (a.length - toRemove < 0) fail('InvalidArgument', `truncation only_first: the first sequence (${a.length} tokens) cannot lose ${toRemove}`);
      truncateEncoding(a, a.length - toRemove, stride, direction);
      break;
    case 'only_second':
      if (b.length - toRemove < 0) fail('InvalidArgument', `truncation only_second: the second sequence (${b.length} tokens) cannot lose ${toRemove}`);
      truncateEncoding(b, b.length - toRemove, stride, direction);
      break;
    case 'longest_first': {
      let n1 = a.length;
      let n2 = b.length;
      let r = toRemove;
      const d = Math.min(Math.abs(n1 - n2), r);
      if (n1 > n2) n1 -= d;
      else n2 -= d;
      r -= d;
      n1 -= Math.ceil(r / 2);
      n2 -= Math.floor(r / 2);
      truncateEncoding(a, Math.max(n1, 0), stride, direction);
      truncateEncoding(b, Math.max(n2, 0), stride, direction);
      break;
    }
  }
}
