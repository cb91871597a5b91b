import type { Encoding } from './encoding.js';

/** How to pad encodings: to a fixed `length`, or (when absent) to the longest of a batch. */
export interface PaddingOptions {
  /** Fixed length; omit to pad to the longest encoding of each batch. */
  length?: number;
  /** Round the length up to a multiple of this. */
  padToMultipleOf?: number;
  /** Default 'right'. */
  direction?: 'right' | 'left';
  /** Default: the id of `padToken`, else 0. */
  padId?: number;
  /** Default 0. */
  padTypeId?: number;
  /** Default '[PAD]' (or the tokenizer's pad token). */
  padToken?: string;
}

/** Pads every encoding to the same length (attention mask 0 on padding). */
export function padEncodings(encodings: Encoding[], opts: PaddingOptions, padId: number, padToken: string): void {
  let len = opts.length ?? Math.max(0, ...encodings.map((e) => e.length));
  const m = opts.padToMultipleOf;
  if (m && m > 0 && len % m !== 0) len += m - (len % m);
  for (const e of encodings) e.pad(len, padId, opts.padTypeId ?? 0, padToken, opts.direction ?? 'right');
}
