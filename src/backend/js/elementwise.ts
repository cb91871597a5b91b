import type { AnyArray, FloatArray } from '../dtype.js';
import type { BinaryOp, StridedView, UnaryOp } from '../types.js';

type Fn2 = (x: number, y: number) => number;

const BINARY: Record<BinaryOp, Fn2> = {
  add: (x, y) => x + y,
  sub: (x, y) => x - y,
  mul: (x, y) => x * y,
  div: (x, y) => x / y,
  pow: (x, y) => Math.pow(x, y),
  max: (x, y) => (x > y || Number.isNaN(x) ? x : y),
  min: (x, y) => (x < y || Number.isNaN(x) ? x : y),
  atan2: (x, y) => Math.atan2(x, y),
  eq: (x, y) => (x === y ? 1 : 0),
  ne: (x, y) => (x !== y ? 1 : 0),
  lt: (x, y) => (x < y ? 1 : 0),
  le: (x, y) => (x <= y ? 1 : 0),
  gt: (x, y) => (x > y ? 1 : 0),
  ge: (x, y) => (x >= y ? 1 : 0),
};

function isDense(v: StridedView, shape: readonly number[]): boolean {
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && v.strides[i] !== s) return false;
    s *= shape[i];
  }
  return true;
}

/** The float32 arithmetic loops, kept monomorphic (Float32Array only) so they stay fast. */
function denseBinaryF32(op: BinaryOp, a: Float32Array, ao: number, b: Float32Array, bo: number, out: Float32Array, n: number): boolean {
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) out[i] = a[ao + i] + b[bo + i]; return true;
    case 'sub': for (let i = 0; i < n; i++) out[i] = a[ao + i] - b[bo + i]; return true;
    case 'mul': for (let i = 0; i < n; i++) out[i] = a[ao + i] * b[bo + i]; return true;
    case 'div': for (let i = 0; i < n; i++) out[i] = a[ao + i] / b[bo + i]; return true;
    default: return false;
  }
}

function denseBinary(op: BinaryOp, a: AnyArray, ao: number, b: AnyArray, bo: number, out: AnyArray, n: number): void {
  if (a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array
    && denseBinaryF32(op, a, ao, b, bo, out, n)) return;
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) out[i] = a[ao + i] + b[bo + i]; return;
    case 'sub': for (let i = 0; i < n; i++) out[i] = a[ao + i] - b[bo + i]; return;
    case 'mul': for (let i = 0; i < n; i++) out[i] = a[ao + i] * b[bo + i]; return;
    case 'div': for (let i = 0; i < n; i++) out[i] = a[ao + i] / b[bo + i]; return;
    default: {
      const f = BINARY[op];
      for (let i = 0; i < n; i++) out[i] = f(a[ao + i], b[bo + i]);
    }
  }
}

/** Calls `inner(offsets..., count)` for each run along the last dimension of `shape`. */
function forEachRow(shape: readonly number[], views: StridedView[],
  inner: (offsets: number[], outOffset: number, len: number, lastStrides: number[]) => void): void {
  const nd = shape.length;
  if (nd === 0) {
    inner(views.map((v) => v.offset), 0, 1, views.map(() => 0));
    return;
  }
  const len = shape[nd - 1];
  const last = views.map((v) => v.strides[nd - 1]);
  let rows = 1;
  for (let d = 0; d < nd - 1; d++) rows *= shape[d];
  if (rows === 0 || len === 0) return;
  const idx = new Array<number>(nd - 1).fill(0);
  const offs = views.map((v) => v.offset);
  for (let r = 0; r < rows; r++) {
    inner(offs, r * len, len, last);
    for (let d = nd - 2; d >= 0; d--) {
      idx[d]++;
      for (let k = 0; k < views.length; k++) offs[k] += views[k].strides[d];
      if (idx[d] < shape[d]) break;
      for (let k = 0; k < views.length; k++) offs[k] -= views[k].strides[d] * shape[d];
      idx[d] = 0;
    }
  }
}

export function binary(op: BinaryOp, a: StridedView, b: StridedView, out: AnyArray, shape: readonly number[]): void {
  if (isDense(a, shape) && isDense(b, shape)) {
    let n = 1;
    for (let i = 0; i < shape.length; i++) n *= shape[i];
    denseBinary(op, a.data, a.offset, b.data, b.offset, out, n);
    return;
  }
  const f = BINARY[op];
  const ad = a.data;
  const bd = b.data;
  forEachRow(shape, [a, b], (offs, o, len, st) => {
    let ia = offs[0];
    let ib = offs[1];
    const sa = st[0];
    const sb = st[1];
    for (let i = 0; i < len; i++, ia += sa, ib += sb) out[o + i] = f(ad[ia], bd[ib]);
  });
}

export function where(cond: StridedView, a: StridedView, b: StridedView, out: AnyArray, shape: readonly number[]): void {
  const cd = cond.data;
  const ad = a.data;
  const bd = b.data;
  forEachRow(shape, [cond, a, b], (offs, o, len, st) => {
    let ic = offs[0];
    let ia = offs[1];
    let ib = offs[2];
    for (let i = 0; i < len; i++, ic += st[0], ia += st[1], ib += st[2]) out[o + i] = cd[ic] ? ad[ia] : bd[ib];
  });
}

export function copy(src: StridedView, out: AnyArray, shape: readonly number[]): void {
  const sd = src.data;
  if (isDense(src, shape)) {
    let n = 1;
    for (let i = 0; i < shape.length; i++) n *= shape[i];
    if (sd.constructor === out.constructor) {
      (out as Float32Array).set((sd as Float32Array).subarray(src.offset, src.offset + n));
    } else {
      for (let i = 0; i < n; i++) out[i] = sd[src.offset + i];
    }
    return;
  }
  forEachRow(shape, [src], (offs, o, len, st) => {
    let is = offs[0];
    const s = st[0];
    for (let i = 0; i < len; i++, is += s) out[o + i] = sd[is];
  });
}

const SQRT1_2 = Math.SQRT1_2;
const GELU_K = Math.sqrt(2 / Math.PI);

/** erf with |error| < 1.2e-7 (Numerical Recipes' erfc Chebyshev fit), enough for float32 gelu. */
export function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
    t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - r : r - 1;
}

/**
 * erf to about 1e-14, for float64 work: the Maclaurin series below 2.5, the continued fraction of erfc
 * above (Lentz's form evaluated backwards), ±1 beyond 6.
 */
export function erf64(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return sum * (2 / Math.sqrt(Math.PI));
  }
  if (ax > 6) return Math.sign(x);
  let f = ax;
  for (let n = 80; n > 0; n--) f = ax + n / 2 / f;
  const r = 1 - Math.exp(-ax * ax) / (Math.sqrt(Math.PI) * f);
  return x > 0 ? r : -r;
}

const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  rsqrt: (x) => 1 / Math.sqrt(x),
  abs: Math.abs,
  tanh: Math.tanh,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  relu: (x) => (x > 0 ? x : Number.isNaN(x) ? x : 0),
  gelu: (x) => 0.5 * x * (1 + erf(x * SQRT1_2)),
  gelu_tanh: (x) => 0.5 * x * (1 + Math.tanh(GELU_K * (x + 0.044715 * x * x * x))),
  silu: (x) => x / (1 + Math.exp(-x)),
  sin: Math.sin,
  cos: Math.cos,
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  sign: (x) => Math.sign(x),
  erf,
  log1p: Math.log1p,
  expm1: Math.expm1,
  floor: Math.floor,
  ceil: Math.ceil,
  round: (x) => {
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; // half to even, as PyTorch
  },
};

/** float64 work uses the precise erf. */
const UNARY64: Record<UnaryOp, (x: number) => number> = {
  ...UNARY,
  erf: erf64,
  gelu: (x) => 0.5 * x * (1 + erf64(x * SQRT1_2)),
};

/** d op(x) / dx, from x and y = op(x). */
const DERIVATIVE: Record<UnaryOp, (x: number, y: number) => number> = {
  neg: () => -1,
  exp: (_x, y) => y,
  log: (x) => 1 / x,
  sqrt: (_x, y) => 0.5 / y,
  rsqrt: (x, y) => -0.5 * y / x,
  abs: (x) => Math.sign(x),
  tanh: (_x, y) => 1 - y * y,
  sigmoid: (_x, y) => y * (1 - y),
  relu: (x) => (x > 0 ? 1 : 0),
  gelu: (x) => 0.5 * (1 + erf(x * SQRT1_2)) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI),
  gelu_tanh: (x) => {
    const inner = GELU_K * (x + 0.044715 * x * x * x);
    const t = Math.tanh(inner);
    return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_K * (1 + 3 * 0.044715 * x * x);
  },
  silu: (x) => {
    const s = 1 / (1 + Math.exp(-x));
    return s * (1 + x * (1 - s));
  },
  sin: Math.cos,
  cos: (x) => -Math.sin(x),
  square: (x) => 2 * x,
  reciprocal: (_x, y) => -y * y,
  sign: () => 0,
  erf: (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x),
  log1p: (x) => 1 / (1 + x),
  expm1: (_x, y) => y + 1,
  floor: () => 0,
  ceil: () => 0,
  round: () => 0,
};

const DERIVATIVE64: Record<UnaryOp, (x: number, y: number) => number> = {
  ...DERIVATIVE,
  gelu: (x) => 0.5 * (1 + erf64(x * SQRT1_2)) + x * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI),
};

/** op(x) for one element; `precise` picks the float64 kernels' formulas (as for a Float64Array). */
export function unaryScalar(op: UnaryOp, precise: boolean): (x: number) => number {
  return (precise ? UNARY64 : UNARY)[op];
}

/** d op(x) / dx for one element from x and y = op(x); `precise` as in unaryScalar. */
export function unaryDerivativeScalar(op: UnaryOp, precise: boolean): (x: number, y: number) => number {
  return (precise ? DERIVATIVE64 : DERIVATIVE)[op];
}

/** float32 loops kept monomorphic (Float32Array only). */
function unaryF32(op: UnaryOp, x: Float32Array, out: Float32Array, n: number): void {
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) out[i] = -x[i]; return;
    case 'exp': for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]); return;
    case 'relu': for (let i = 0; i < n; i++) { const v = x[i]; out[i] = v > 0 ? v : v !== v ? v : 0; } return;
    case 'tanh': for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]); return;
    case 'sqrt': for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]); return;
    case 'square': for (let i = 0; i < n; i++) out[i] = x[i] * x[i]; return;
    default: {
      const f = UNARY[op];
      for (let i = 0; i < n; i++) out[i] = f(x[i]);
    }
  }
}

export function unary(op: UnaryOp, x: FloatArray, out: FloatArray, n: number): void {
  if (x instanceof Float32Array && out instanceof Float32Array) {
    unaryF32(op, x, out, n);
    return;
  }
  switch (op) {
    case 'neg': for (let i = 0; i < n; i++) out[i] = -x[i]; return;
    case 'exp': for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]); return;
    case 'relu': for (let i = 0; i < n; i++) { const v = x[i]; out[i] = v > 0 ? v : v !== v ? v : 0; } return;
    default: {
      const f = (x instanceof Float64Array ? UNARY64 : UNARY)[op];
      for (let i = 0; i < n; i++) out[i] = f(x[i]);
    }
  }
}

export function unaryBackward(op: UnaryOp, x: FloatArray, y: FloatArray, gy: FloatArray, gx: FloatArray, n: number): void {
  const d = (x instanceof Float64Array ? DERIVATIVE64 : DERIVATIVE)[op];
  for (let i = 0; i < n; i++) gx[i] = gy[i] * d(x[i], y[i]);
}

export function clamp(x: FloatArray, out: FloatArray, n: number, lo: number, hi: number): void {
  for (let i = 0; i < n; i++) {
    const v = x[i];
    out[i] = v < lo ? lo : v > hi ? hi : v;
  }
}

export function powScalar(x: FloatArray, out: FloatArray, n: number, exponent: number): void {
  if (exponent === 2) for (let i = 0; i < n; i++) out[i] = x[i] * x[i];
  else for (let i = 0; i < n; i++) out[i] = Math.pow(x[i], exponent);
}

export function affine(x: FloatArray, out: FloatArray, n: number, scale: number, shift: number): void {
  for (let i = 0; i < n; i++) out[i] = x[i] * scale + shift;
}

export function sumSquares(x: FloatArray, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * x[i];
  return s;
}

export function scaleInPlace(x: FloatArray, n: number, s: number): void {
  for (let i = 0; i < n; i++) x[i] *= s;
}

export function sumSquaresList(xs: readonly FloatArray[]): number {
  let total = 0;
  for (const x of xs) total += sumSquares(x, x.length);
  return total;
}

export function scaleInPlaceList(xs: readonly FloatArray[], s: number): void {
  for (const x of xs) scaleInPlace(x, x.length, s);
}
