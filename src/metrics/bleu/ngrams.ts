/** n-gram counts keyed by the n items joined with `sep` (items never contain `sep`). */
export type NgramCounts = Map<string, number>;

/** Counts of the n-grams of `items`, one map per order n = 1..maxOrder. */
export function ngramsByOrder(items: readonly string[], maxOrder: number, sep = ' '): NgramCounts[] {
  const byOrder: NgramCounts[] = [];
  for (let n = 1; n <= maxOrder; n++) byOrder.push(ngrams(items, n, sep));
  return byOrder;
}

/** Counts of the n-grams of `items` for one order n. */
export function ngrams(items: readonly string[], n: number, sep = ' '): NgramCounts {
  const counts: NgramCounts = new Map();
  for (let i = 0; i + n <= items.length; i++) {
    const key = n === 1 ? items[i] : items.slice(i, i + n).join(sep);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** Counts of the character (code point) n-grams of `text` for one order n. */
export function charNgrams(text: string, n: number): NgramCounts {
  if (SURROGATE.test(text)) return ngrams(Array.from(text), n, '');
  const counts: NgramCounts = new Map();
  for (let i = 0; i + n <= text.length; i++) {
    const key = text.substring(i, i + n);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Σ min(count in hyp, count in ref) over the hypothesis n-grams: the clipped matches. */
export function clippedMatches(hyp: NgramCounts, ref: NgramCounts): number {
  let matches = 0;
  for (const [key, count] of hyp) {
    const r = ref.get(key);
    if (r !== undefined) matches += Math.min(count, r);
  }
  return matches;
}

/** Σ counts. */
export function total(counts: NgramCounts): number {
  let sum = 0;
  for (const c of counts.values()) sum += c;
  return sum;
}
