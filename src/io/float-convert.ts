/**
 * Bit-level conversions between float32 and the narrow float formats of safetensors files. Encoding
 * rounds to nearest, ties to even, like PyTorch's `.to(torch.float16)` / `.to(torch.bfloat16)`.
 */

let f16Table: Float32Array | null = null;

/** float32 value of every float16 bit pattern (built once, 256 KiB). */
export function float16Table(): Float32Array {
  if (f16Table) return f16Table;
  const table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) table[h] = float16BitsToNumber(h);
  f16Table = table;
  return table;
}

export function float16BitsToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** float16 bits of the float32 whose bits are `x` (an unsigned 32-bit integer). */
export function float32BitsToFloat16(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 112; // rebias 127 -> 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let r = mant >>> shift;
    const rem = mant & ((1 << shift) - 1);
    if (rem > half || (rem === half && r & 1)) r++;
    return sign | r;
  }
  let r = (e << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  // A carry out of the mantissa correctly bumps the exponent (up to infinity).
  if (rem > 0x1000 || (rem === 0x1000 && r & 1)) r++;
  return sign | r;
}

/** bfloat16 bits of the float32 whose bits are `x` (an unsigned 32-bit integer). */
export function float32BitsToBfloat16(x: number): number {
  if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) return ((x >>> 16) & 0x8000) | 0x7fc0;
  return (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
}

let e4m3Table: Float32Array | null = null;
let e5m2Table: Float32Array | null = null;
let e8m0Table: Float32Array | null = null;

/** float8 e4m3fn (no infinities; S.1111.111 is NaN), the layout PyTorch calls float8_e4m3fn. */
export function float8E4M3Table(): Float32Array {
  if (e4m3Table) return e4m3Table;
  const t = new Float32Array(256);
  for (let b = 0; b < 256; b++) {
    const sign = b & 0x80 ? -1 : 1;
    const exp = (b >>> 3) & 0xf;
    const mant = b & 7;
    if (exp === 0xf && mant === 7) t[b] = NaN;
    else if (exp === 0) t[b] = sign * mant * 2 ** -9;
    else t[b] = sign * (1 + mant / 8) * 2 ** (exp - 7);
  }
  e4m3Table = t;
  return t;
}

/** float8 e5m2: the upper byte of a float16. */
export function float8E5M2Table(): Float32Array {
  if (e5m2Table) return e5m2Table;
  const f16 = float16Table();
  const t = new Float32Array(256);
  for (let b = 0; b < 256; b++) t[b] = f16[b << 8];
  e5m2Table = t;
  return t;
}

/** float8 e8m0 (an exponent only: 2^(b-127); 0xff is NaN), used for MX block scales. */
export function float8E8M0Table(): Float32Array {
  if (e8m0Table) return e8m0Table;
  const t = new Float32Array(256);
  for (let b = 0; b < 255; b++) t[b] = 2 ** (b - 127);
  t[255] = NaN;
  e8m0Table = t;
  return t;
}
