/**
 * The few Python string behaviours sacreBLEU's numbers depend on: what `str.split()` / `str.strip()` call
 * whitespace (it differs from JavaScript's `\s`: Python adds U+001C–U+001F and U+0085, and leaves out
 * U+FEFF), and how `f"{x:.2f}"` rounds an exact tie (half to even, where `toFixed` rounds half up).
 */

const WS = '\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const WS_RUN = new RegExp(`[${WS}]+`, 'u');
const WS_START = new RegExp(`^[${WS}]+`, 'u');
const WS_END = new RegExp(`[${WS}]+$`, 'u');
const WS_ALL = new RegExp(`[${WS}]+`, 'gu');

/** Python's `s.split()`: the runs of non-whitespace, no empty strings. */
export function pySplit(s: string): string[] {
  return s.split(WS_RUN).filter((t) => t !== '');
}

/** Python's `s.rstrip()`. */
export const pyRstrip = (s: string): string => s.replace(WS_END, '');

/** Python's `s.strip()`. */
export const pyStrip = (s: string): string => s.replace(WS_START, '').replace(WS_END, '');

/** Python's `''.join(s.split())`: every whitespace character removed. */
export const pyRemoveWhitespace = (s: string): string => s.replace(WS_ALL, '');

/**
 * Python's `f"{x:.{digits}f}"` for finite x ≥ 0. `toFixed` already rounds the exact binary value; the two
 * differ only on an exact tie (e.g. 12.25 → Python "12.2", toFixed "12.3").
 */
export function pyFixed(x: number, digits: number): string {
  const wide = x.toFixed(digits + 25);
  const tail = wide.slice(wide.length - 25);
  if (tail !== `5${'0'.repeat(24)}`) return x.toFixed(digits);
  const truncated = wide.slice(0, wide.length - 25 - (digits === 0 ? 1 : 0));
  const lastDigit = Number(truncated[truncated.length - 1]);
  return lastDigit % 2 === 0 ? truncated : x.toFixed(digits);
}
