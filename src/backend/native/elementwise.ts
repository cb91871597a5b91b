import type { AnyArray, FloatArray } from '../dtype.js';
import { jsBackend } from '../js/index.js';
import type { Backend, BinaryOp, StridedView, UnaryOp } from '../types.js';
import type { NativeAddon } from './addon.js';

/**
 * Below these element counts the js loop beats a call into the addon (crossovers measured at 1 thread on
 * Zen3: a native call costs about 0.2-0.5 µs; js needs ~3 ns per element for add, ~15 ns for exp).
 */
export const NATIVE_MIN = {
  binaryDense: 128,
  binaryStrided: 32,
  copy: 64,
  unaryCheap: 96,
  unaryTranscendental: 8,
  clamp: 128,
  dropout: 32,
  sumSquares: 128,
};

/**
 * Arrays per call of the list kernels, which take their arrays as arguments (half the cost of reading them
 * out of a JavaScript array); longer lists take several calls, short of any limit on argument counts.
 */
export const MAX_ARRAYS_PER_CALL = 4096;

/** Codes of BinaryCode in native/include/kernels.h; other ops (atan2, comparisons) run in js. */
const BINARY_CODE: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, max: 4, min: 5, pow: 6 };

/** In the order of UnaryCode in native/include/kernels.h. */
const UNARY_ORDER: readonly UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'rsqrt', 'abs', 'tanh', 'sigmoid', 'relu',
  'gelu', 'gelu_tanh', 'silu', 'sin', 'cos', 'square', 'reciprocal', 'sign', 'erf', 'log1p', 'expm1', 'floor',
  'ceil', 'round'];
const UNARY_CODE = new Map<UnaryOp, number>(UNARY_ORDER.map((op, i) => [op, i]));
/** Ops whose js loop is a single arithmetic step: native pays only for larger arrays. */
const CHEAP_UNARY = new Set<UnaryOp>(['neg', 'abs', 'relu', 'square']);

const MAX_DIMS = 16;
const meta = new Int32Array(1 + 3 * MAX_DIMS);

function isDense(v: StridedView, shape: readonly number[]): boolean {
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] !== 1 && v.strides[i] !== s) return false;
    s *= shape[i];
  }
  return true;
}

/** Writes [ndim, shape, strides of each view] into `meta`; false when a value does not fit an int32. */
function fillMeta(shape: readonly number[], views: readonly StridedView[]): boolean {
  const nd = shape.length;
  if (nd > MAX_DIMS) return false;
  meta[0] = nd;
  for (let d = 0; d < nd; d++) {
    meta[1 + d] = shape[d];
    for (let v = 0; v < views.length; v++) {
      const s = views[v].strides[d];
      if (s > 0x7fffffff || s < -0x80000000) return false;
      meta[1 + (v + 1) * nd + d] = s;
    }
  }
  return true;
}

function allFloat32(xs: readonly FloatArray[]): xs is readonly Float32Array[] {
  for (const x of xs) if (!(x instanceof Float32Array)) return false;
  return true;
}

function numel(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

export function nativeElementwise(addon: NativeAddon): Pick<Backend, 'binary' | 'copy' | 'unary' | 'unaryBackward' |
  'clamp' | 'affine' | 'dropout' | 'scaleInPlace' | 'sumSquares' | 'sumSquaresList' | 'scaleInPlaceList'> {
  function scaleInPlace(x: FloatArray, n: number, s: number): void {
    if (x instanceof Float32Array && n >= NATIVE_MIN.clamp) addon.scaleInPlace(x, n, s);
    else jsBackend.scaleInPlace(x, n, s);
  }
  function sumSquares(x: FloatArray, n: number): number {
    return x instanceof Float32Array && n >= NATIVE_MIN.sumSquares ? addon.sumSquares(x, n) : jsBackend.sumSquares(x, n);
  }
  return {
    binary(op: BinaryOp, a: StridedView, b: StridedView, out: AnyArray, shape: readonly number[]): void {
      const code = BINARY_CODE[op];
      const ad = a.data;
      const bd = b.data;
      if (code === undefined || !(ad instanceof Float32Array && bd instanceof Float32Array && out instanceof Float32Array)) {
        jsBackend.binary(op, a, b, out, shape);
        return;
      }
      const n = numel(shape);
      const dense = isDense(a, shape) && isDense(b, shape);
      if (n < (dense ? NATIVE_MIN.binaryDense : NATIVE_MIN.binaryStrided) || !fillMeta(shape, [a, b])) {
        jsBackend.binary(op, a, b, out, shape);
        return;
      }
      addon.binary(code, ad, a.offset, bd, b.offset, out, meta);
    },
    copy(src: StridedView, out: AnyArray, shape: readonly number[]): void {
      const sd = src.data;
      if (!(sd instanceof Float32Array && out instanceof Float32Array) || numel(shape) < NATIVE_MIN.copy ||
        isDense(src, shape) || !fillMeta(shape, [src])) {
        jsBackend.copy(src, out, shape); // dense copies are a single TypedArray.set in js
        return;
      }
      addon.copy(sd, src.offset, out, meta);
    },
    unary(op: UnaryOp, x: FloatArray, out: FloatArray, n: number): void {
      const code = UNARY_CODE.get(op)!;
      if (!(x instanceof Float32Array && out instanceof Float32Array) ||
        n < (CHEAP_UNARY.has(op) ? NATIVE_MIN.unaryCheap : NATIVE_MIN.unaryTranscendental)) {
        jsBackend.unary(op, x, out, n);
        return;
      }
      addon.unary(code, x, out, n);
    },
    unaryBackward(op: UnaryOp, x: FloatArray, y: FloatArray, gy: FloatArray, gx: FloatArray, n: number): void {
      if (x instanceof Float32Array && y instanceof Float32Array && gy instanceof Float32Array &&
        gx instanceof Float32Array && n >= NATIVE_MIN.unaryTranscendental &&
        addon.unaryBackward(UNARY_CODE.get(op)!, x, y, gy, gx, n)) return;
      jsBackend.unaryBackward(op, x, y, gy, gx, n);
    },
    clamp(x: FloatArray, out: FloatArray, n: number, lo: number, hi: number): void {
      if (x instanceof Float32Array && out instanceof Float32Array && n >= NATIVE_MIN.clamp) addon.clamp(x, out, n, lo, hi);
      else jsBackend.clamp(x, out, n, lo, hi);
    },
    affine(x: FloatArray, out: FloatArray, n: number, scale: number, shift: number): void {
      if (x instanceof Float32Array && out instanceof Float32Array && n >= NATIVE_MIN.clamp) {
        addon.affine(x, out, n, scale, shift);
      } else {
        jsBackend.affine(x, out, n, scale, shift);
      }
    },
    dropout(x: FloatArray, out: FloatArray, n: number, p: number, seed0: number, seed1: number): void {
      if (x instanceof Float32Array && out instanceof Float32Array && n >= NATIVE_MIN.dropout) addon.dropout(x, out, n, p, seed0, seed1);
      else jsBackend.dropout(x, out, n, p, seed0, seed1);
    },
    scaleInPlace,
    sumSquares,
    sumSquaresList(xs: readonly FloatArray[]): number {
      let total = 0;
      if (!allFloat32(xs)) {
        for (const x of xs) total += sumSquares(x, x.length);
        return total;
      }
      // The addon sums arrays below the threshold as js does and adds each array's sum to the running total,
      // so the total is the one per-array calls give.
      for (let i = 0; i < xs.length; i += MAX_ARRAYS_PER_CALL) {
        total = addon.sumSquaresList(NATIVE_MIN.sumSquares, total, ...xs.slice(i, i + MAX_ARRAYS_PER_CALL));
      }
      return total;
    },
    scaleInPlaceList(xs: readonly FloatArray[], s: number): void {
      if (!allFloat32(xs)) {
        for (const x of xs) scaleInPlace(x, x.length, s);
        return;
      }
      for (let i = 0; i < xs.length; i += MAX_ARRAYS_PER_CALL) {
        addon.scaleInPlaceList(s, NATIVE_MIN.clamp, ...xs.slice(i, i + MAX_ARRAYS_PER_CALL));
      }
    },
  };
}
