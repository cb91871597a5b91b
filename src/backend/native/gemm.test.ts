import assert from 'node:assert/strict';
import test from 'node:test';
import { compareArrays } from '../../testing/assert.js';
import { jsBackend } from '../js/index.js';
import type { GemmArgs } from '../types.js';
import { nativeForTests, randomFloats, withThreads } from './testing.js';

const { native, skip } = nativeForTests();

interface Case {
  m: number; n: number; k: number; batch?: number; transA?: boolean; transB?: boolean;
  alpha?: number; beta?: number; broadcastA?: boolean; broadcastB?: boolean; pad?: number; offset?: number;
  /** A bias row added to every row of C (read from offset 2 of its array). */
  bias?: boolean;
}

function check(c: Case, seed: number): void {
  const { m, n, k, transA = false, transB = false, alpha = 1, beta = 0, pad = 0, offset = 0 } = c;
  const batch = c.batch ?? 1;
  const lda = (transA ? m : k) + pad;
  const ldb = (transB ? k : n) + pad;
  const ldc = n + pad;
  const sizeA = (transA ? k : m) * lda;
  const sizeB = (transB ? n : k) * ldb;
  const strideA = c.broadcastA ? 0 : sizeA;
  const strideB = c.broadcastB ? 0 : sizeB;
  const strideC = m * ldc;
  const a = randomFloats(offset + sizeA * (c.broadcastA ? 1 : batch), seed);
  const b = randomFloats(offset + sizeB * (c.broadcastB ? 1 : batch), seed + 1);
  const c0 = randomFloats(offset + strideC * batch, seed + 2);
  const bias = randomFloats(n + 2, seed + 3);
  const args = (out: Float32Array): GemmArgs => ({
    a, aOffset: offset, lda, transA, strideA, b, bOffset: offset, ldb, transB, strideB,
    c: out, cOffset: offset, ldc, strideC, m, n, k, batch, alpha, beta,
    bias: c.bias ? bias : null, biasOffset: 2,
  });
  const expected = c0.slice();
  const actual = c0.slice();
  jsBackend.gemm(args(expected));
  native!.gemm(args(actual));
  const { ok, maxErr } = compareArrays(actual, expected, 2e-5 * Math.sqrt(k + 1), 1e-5);
  assert.ok(ok, `gemm ${JSON.stringify(c)}: max error ${maxErr}`);
}

test('native gemm matches js: odd sizes, transposes, alpha/beta, padding and offsets', { skip }, () => {
  withThreads(native!, () => {
    let seed = 1;
    for (const [m, n, k] of [[1, 1, 1], [7, 7, 7], [33, 7, 257], [257, 33, 7], [6, 16, 256], [13, 31, 300], [70, 90, 65]]) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          check({ m, n, k, transA, transB }, seed++);
        }
      }
    }
    for (let m = 1; m <= 12; m++) check({ m, n: 35, k: 19, beta: m % 2 ? 0 : 0.5 }, seed++); // every row remainder
    check({ m: 37, n: 41, k: 29, alpha: 0.5, beta: 0 }, seed++);
    check({ m: 37, n: 41, k: 29, alpha: -2, beta: 1 }, seed++);
    check({ m: 37, n: 41, k: 29, alpha: 1, beta: 0.25, transB: true }, seed++);
    check({ m: 37, n: 41, k: 29, alpha: 0, beta: 0.5 }, seed++);
    check({ m: 9, n: 10, k: 0, beta: 0.5 }, seed++);
    check({ m: 19, n: 23, k: 17, pad: 3, offset: 5, transA: true }, seed++);
    check({ m: 150, n: 200, k: 130, transB: true, beta: 1 }, seed++);
    check({ m: 300, n: 150, k: 40, transA: true }, seed++);
  });
});

test('native gemm matches js: batched, with a broadcast (stride 0) operand', { skip }, () => {
  withThreads(native!, () => {
    check({ m: 33, n: 17, k: 9, batch: 5 }, 11);
    check({ m: 64, n: 32, k: 64, batch: 6, broadcastB: true, transB: true }, 12);
    check({ m: 7, n: 40, k: 33, batch: 3, broadcastA: true, beta: 0.5 }, 13);
    check({ m: 1, n: 40, k: 33, batch: 4, broadcastA: true }, 14);
  });
});

test('native gemm matches js: matrix-vector shapes (m == 1, n == 1)', { skip }, () => {
  withThreads(native!, () => {
    let seed = 100;
    for (const [m, n, k] of [[1, 3072, 300], [1, 257, 33], [1, 7, 1], [257, 1, 33], [3000, 1, 300], [1, 1, 300]]) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          check({ m, n, k, transA, transB }, seed++);
          check({ m, n, k, transA, transB, alpha: 0.5, beta: 2, pad: 2, offset: 3 }, seed++);
        }
      }
    }
  });
});

test('native gemm adds a bias row: blocked and matrix-vector paths, batches, beta, k = 0', { skip }, () => {
  withThreads(native!, () => {
    let seed = 200;
    for (const [m, n, k] of [[1, 1, 1], [7, 9, 5], [33, 70, 257], [257, 33, 7], [100, 600, 130], [1, 300, 40], [300, 1, 40]]) {
      for (const transA of [false, true]) {
        check({ m, n, k, transA, transB: !transA, bias: true }, seed++);
        check({ m, n, k, transA, beta: 0.5, alpha: 2, pad: 1, offset: 3, bias: true }, seed++);
      }
    }
    check({ m: 33, n: 17, k: 9, batch: 3, beta: 1, bias: true }, seed++);
    check({ m: 1, n: 40, k: 33, batch: 2, broadcastA: true, bias: true }, seed++);
    check({ m: 9, n: 10, k: 0, beta: 0.5, bias: true }, seed++);
    // the js reference itself: C = A·B + bias by hand
    const a = Float32Array.of(1, 2, 3, 4);
    const b = Float32Array.of(1, 0, 0, 1);
    const c = new Float32Array(4).fill(9);
    jsBackend.gemm({
      a, aOffset: 0, lda: 2, transA: false, strideA: 0, b, bOffset: 0, ldb: 2, transB: false, strideB: 0,
      c, cOffset: 0, ldc: 2, strideC: 4, m: 2, n: 2, k: 2, batch: 1, alpha: 1, beta: 0, bias: Float32Array.of(5, 10, 20), biasOffset: 1,
    });
    assert.deepEqual([...c], [11, 22, 13, 24]);
  });
});

test('native gemm rejects operands too short for the shape', { skip }, () => {
  const a = new Float32Array(16 * 16 - 1);
  const b = new Float32Array(16 * 16);
  assert.throws(() => native!.gemm({
    a, aOffset: 0, lda: 16, transA: false, strideA: 0, b, bOffset: 0, ldb: 16, transB: false, strideB: 0,
    c: new Float32Array(256), cOffset: 0, ldc: 16, strideC: 0, m: 16, n: 16, k: 16, batch: 1, alpha: 1, beta: 0,
  }), /too short/);
});
