/** The (a.length + 1) × (b.length + 1) table of LCS lengths of prefixes, row-major. */
export function lcsTable(a: readonly string[], b: readonly string[]): Int32Array {
  const cols = b.length + 1;
  const t = new Int32Array((a.length + 1) * cols);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      t[i * cols + j] = a[i - 1] === b[j - 1] ? t[(i - 1) * cols + j - 1] + 1 : Math.max(t[(i - 1) * cols + j], t[i * cols + j - 1]);
    }
  }
  return t;
}

/** Length of the longest common subsequence of a and b. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let prev = new Int32Array(b.length + 1);
  let row = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) row[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], row[j - 1]);
    [prev, row] = [row, prev];
  }
  return prev[b.length];
}

/**
 * Indices into `ref` of one longest common subsequence with `can`, read back from the table as
 * rouge-score's _backtrack_norec does (on a tie it moves up in `ref`), ascending.
 */
export function lcsIndices(ref: readonly string[], can: readonly string[]): number[] {
  const t = lcsTable(ref, can);
  const cols = can.length + 1;
  const out: number[] = [];
  let i = ref.length;
  let j = can.length;
  while (i > 0 && j > 0) {
    if (ref[i - 1] === can[j - 1]) {
      out.push(i - 1);
      i--;
      j--;
    } else if (t[i * cols + j - 1] > t[(i - 1) * cols + j]) j--;
    else i--;
  }
  return out.reverse();
}
