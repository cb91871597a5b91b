import { Encoding } from '../encoding.js';

/** Joins a pair without adding tokens: sequence ids 0 and 1, type ids as they are. */
export function concatPair(a: Encoding, b: Encoding | null): Encoding {
  const out = new Encoding().append(a);
  out.sequenceIds.fill(0);
  if (b) {
    const n = out.length;
    out.append(b);
    out.sequenceIds.fill(1, n);
  }
  out.overflowing = a.overflowing.map((o) => concatPair(o, b));
  if (b) for (const o of b.overflowing) out.overflowing.push(concatPair(a, o));
  return out;
}
