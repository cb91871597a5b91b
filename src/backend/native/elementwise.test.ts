import assert from 'node:assert/strict';
import test from 'node:test';
import { compareArrays } from '../../testing/assert.js';
import { jsBackend } from '../js/index.js';
import type { BinaryOp, StridedView, UnaryOp } from '../types.js';
import { nativeForTests, randomFloats, withThreads } from './testing.js';

const { native, skip } = nativeForTests();

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number, what: string): void {
  const { ok, maxErr } = compareArrays(actual, expected, atol, rtol);
  assert.ok(ok, `${what}: max error ${maxErr}`);
}

function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

const BINARY_OPS: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'max', 'min', 'pow'];

function checkBinary(op: BinaryOp, a: StridedView, b: StridedView, shape: number[], what: string): void {
  const n = numel(shape);
  const expected = new Float32Array(n);
  const actual = new Float32Array(n);
  jsBackend.binary(op, a, b, expected, shape);
  native!.binary(op, a, b, actual, shape);
  close(actual, expected, 1e-6, op === 'pow' ? 1e-6 : 0, `${op} ${what}`);
}

test('native binary matches js: dense, broadcast and strided views', { skip }, () => {
  withThreads(native!, () => {
    let seed = 1;
    for (const op of BINARY_OPS) {
      const lo = op === 'pow' ? 0.1 : -2;
      for (const n of [1, 7, 257, 100_003]) {
        const a = randomFloats(n + 3, seed++, lo, 2);
        const b = randomFloats(n, seed++, 0.5, 2);
        checkBinary(op, { data: a, offset: 3, strides: [1] }, { data: b, offset: 0, strides: [1] }, [n], `dense ${n}`);
      }
      // Bias-style broadcast of a row over rows, and of a column (last-dim broadcast).
      const x = randomFloats(33 * 257, seed++, lo, 2);
      const row = randomFloats(257, seed++, 0.5, 2);
      const col = randomFloats(33, seed++, 0.5, 2);
      checkBinary(op, { data: x, offset: 0, strides: [257, 1] }, { data: row, offset: 0, strides: [0, 1] }, [33, 257], 'row broadcast');
      checkBinary(op, { data: x, offset: 0, strides: [257, 1] }, { data: col, offset: 0, strides: [1, 0] }, [33, 257], 'column broadcast');
      checkBinary(op, { data: row, offset: 0, strides: [0, 1] }, { data: x, offset: 0, strides: [257, 1] }, [33, 257], 'broadcast lhs');
      // A transposed (non-contiguous) operand, a scalar, and a 3-d broadcast large enough for threads.
      checkBinary(op, { data: x, offset: 0, strides: [1, 257] }, { data: x, offset: 0, strides: [33, 1] }, [257, 33], 'transposed');
      checkBinary(op, { data: x, offset: 5, strides: [0, 0] }, { data: x, offset: 0, strides: [257, 1] }, [33, 257], 'scalar');
      const big = randomFloats(64 * 48 * 40, seed++, lo, 2);
      const mid = randomFloats(48, seed++, 0.5, 2);
      checkBinary(op, { data: big, offset: 0, strides: [48 * 40, 40, 1] }, { data: mid, offset: 0, strides: [0, 1, 0] },
        [64, 48, 40], '3-d middle broadcast');
    }
  });
});

test('native binary max/min propagate NaN like js', { skip }, () => {
  const a = randomFloats(300, 5);
  const b = randomFloats(300, 6);
  a[3] = NaN;
  b[10] = NaN;
  for (const op of ['max', 'min'] as const) {
    checkBinary(op, { data: a, offset: 0, strides: [1] }, { data: b, offset: 0, strides: [1] }, [300], 'NaN');
  }
});

test('native copy matches js for strided and broadcast sources', { skip }, () => {
  withThreads(native!, () => {
    const x = randomFloats(257 * 33, 9);
    const cases: [StridedView, number[]][] = [
      [{ data: x, offset: 0, strides: [1, 33] }, [33, 257]],
      [{ data: x, offset: 7, strides: [66, 2] }, [128, 16]],
      [{ data: x, offset: 0, strides: [0, 1] }, [300, 257]],
      [{ data: x, offset: 3, strides: [33, 0, 1] }, [257, 3, 30]],
      [{ data: x, offset: 0, strides: [1, 257 * 33 / 3, 33] }, [33, 3, 80]],
    ];
    for (const [src, shape] of cases) {
      const expected = new Float32Array(numel(shape));
      const actual = new Float32Array(numel(shape));
      jsBackend.copy(src, expected, shape);
      native!.copy(src, actual, shape);
      assert.deepEqual(actual, expected, `copy ${JSON.stringify(src.strides)}`);
    }
  });
});

const UNARY_OPS: UnaryOp[] = ['neg', 'exp', 'log', 'sqrt', 'rsqrt', 'abs', 'tanh', 'sigmoid', 'relu', 'gelu',
  'gelu_tanh', 'silu', 'sin', 'cos', 'square', 'reciprocal', 'sign', 'erf', 'log1p', 'expm1', 'floor', 'ceil', 'round'];
const POSITIVE = new Set<UnaryOp>(['log', 'sqrt', 'rsqrt']);

function unaryInput(op: UnaryOp, n: number, seed: number): Float32Array {
  const x = POSITIVE.has(op) ? randomFloats(n, seed, 1e-3, 50) : randomFloats(n, seed, -12, 12);
  if (!POSITIVE.has(op) && n > 20) {
    x.set([0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 0.6249, 0.6251, -0.625, 1e-6, -1e-6, 90, -90, -110]);
  }
  if (op === 'log1p') for (let i = 0; i < n; i++) x[i] = Math.abs(x[i]);
  return x;
}

test('native unary matches js within float32 rounding', { skip }, () => {
  withThreads(native!, () => {
    let seed = 20;
    for (const op of UNARY_OPS) {
      for (const n of [1, 33, 257, 40_001]) {
        const x = unaryInput(op, n, seed++);
        const expected = new Float32Array(n);
        const actual = new Float32Array(n);
        jsBackend.unary(op, x, expected, n);
        native!.unary(op, x, actual, n);
        // js's erf is itself a 1.2e-7-accurate fit; the native one is closer to the true erf near 0.
        close(actual, expected, op === 'erf' ? 3e-7 : 1e-7, 1e-6, `${op} n=${n}`);
      }
    }
  });
});

test('native unary handles NaN and infinities like js', { skip }, () => {
  const x = new Float32Array(64).fill(0.25);
  x.set([NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 88.8, -88.8, 3.4e38]);
  for (const op of UNARY_OPS) {
    const expected = new Float32Array(64);
    const actual = new Float32Array(64);
    jsBackend.unary(op, x, expected, 64);
    native!.unary(op, x, actual, 64);
    close(actual, expected, op === 'erf' ? 3e-7 : 1e-7, 1e-6, `${op} special values`);
  }
});

test('native unaryBackward matches js', { skip }, () => {
  withThreads(native!, () => {
    let seed = 200;
    for (const op of UNARY_OPS) {
      for (const n of [33, 257, 40_001]) {
        const x = unaryInput(op, n, seed++);
        const y = new Float32Array(n);
        jsBackend.unary(op, x, y, n);
        const gy = randomFloats(n, seed++);
        const expected = new Float32Array(n);
        const actual = new Float32Array(n);
        jsBackend.unaryBackward(op, x, y, gy, expected, n);
        native!.unaryBackward(op, x, y, gy, actual, n);
        close(actual, expected, 1e-6, 1e-5, `${op}' n=${n}`);
      }
    }
  });
});

test('native clamp, affine, scaleInPlace and sumSquares match js', { skip }, () => {
  withThreads(native!, () => {
    for (const n of [7, 257, 140_001]) {
      const x = randomFloats(n, n, -3, 3);
      x[0] = NaN;
      for (const [lo, hi] of [[-1, 1], [-Infinity, 0.5], [0, Infinity]]) {
        const e = new Float32Array(n);
        const a = new Float32Array(n);
        jsBackend.clamp(x, e, n, lo, hi);
        native!.clamp(x, a, n, lo, hi);
        assert.deepEqual(a, e, `clamp [${lo}, ${hi}]`);
      }
      const e = new Float32Array(n);
      const a = new Float32Array(n);
      jsBackend.affine(x, e, n, 1.5, -0.25);
      native!.affine(x, a, n, 1.5, -0.25);
      close(a, e, 1e-6, 1e-6, 'affine');
      x[0] = 1;
      const s1 = x.slice();
      const s2 = x.slice();
      jsBackend.scaleInPlace(s1, n, 0.3);
      native!.scaleInPlace(s2, n, 0.3);
      close(s2, s1, 1e-7, 1e-6, 'scaleInPlace');
      const ej = jsBackend.sumSquares(x, n);
      const an = native!.sumSquares(x, n);
      assert.ok(Math.abs(an - ej) <= 1e-9 * ej, `sumSquares ${an} vs ${ej}`);
    }
  });
});

test('native dropout drops what the js backend drops, bit for bit (tails, threads, full-range seeds, in place)', { skip }, () => {
  withThreads(native!, () => {
    for (const n of [31, 32, 45, 1000, 200_003]) {
      const x = Float32Array.from({ length: n }, (_, i) => Math.cos(i) * 5);
      for (const [p, s0, s1] of [[0.1, 0, 0], [0.5, 12345, 0xffffffff], [0.9, 0xdeadbeef, 7], [1e-7, 1, 2]]) {
        const e = new Float32Array(n).fill(-1);
        const a = new Float32Array(n).fill(-1);
        jsBackend.dropout(x, e, n, p, s0, s1);
        native!.dropout(x, a, n, p, s0, s1);
        assert.deepEqual(a, e, `n ${n} p ${p} seeds ${s0} ${s1}`);
        const inPlace = x.slice();
        native!.dropout(inPlace, inPlace, n, p, s0, s1);
        assert.deepEqual(inPlace, e, `in place, n ${n} p ${p}`);
      }
    }
  });
  const x = new Float32Array(40);
  assert.throws(() => native!.dropout(x, new Float32Array(40), 40, 1, 0, 0), /p must be in \(0, 1\)/);
  assert.throws(() => native!.dropout(x, new Float32Array(40), 41, 0.5, 0, 0), /x is too short/);
  assert.throws(() => native!.dropout(new Float32Array(41), new Float32Array(40), 41, 0.5, 0, 0), /out is too short/);
});
