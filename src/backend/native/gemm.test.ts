import assert from 'node:assert/strict';
import test from 'node:test';
import { compareArrays } from '../../testing/assert.js';
import { jsBackend } from '../js/index.js';
import type { GemmArgs, GemmEpilogue } from '../types.js';
import { nativeForTests, randomFloats, withThreads } from './testing.js';

const { native, skip } = nativeForTests();

interface Case {
  m: number; n: number; k: number; batch?: number; transA?: boolean; transB?: boolean;
  alpha?: number; beta?: number; broadcastA?: boolean; broadcastB?: boolean; pad?: number; offset?: number;
  /** A bias row added to every row of C (read from offset 2 of its array). */
  bias?: boolean;
  /** Also the column sums of op(B) (written from offset 1 of their array). */
  colSum?: boolean;
  /** An epilogue; the pre-activation is written to (or, for derivatives, read from) an array laid out as C. */
  epilogue?: GemmEpilogue;
  /** Derivative epilogues: also give gelu(pre) (post). */
  post?: boolean;
  /** A residual laid out as C (from offset 3 of its array) added with the bias. */
  residual?: boolean;
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
  const grad = c.epilogue?.endsWith('_grad') ?? false;
  const pre = randomFloats(offset + strideC * batch, seed + 4, -3, 3);
  const post = new Float32Array(pre.length);
  const residual = randomFloats(3 + strideC * batch, seed + 5);
  if (c.post) jsBackend.unary(c.epilogue === 'gelu_tanh_grad' ? 'gelu_tanh' : 'gelu', pre, post, pre.length);
  const run = (backend: typeof jsBackend): { out: Float32Array; sums: Float32Array; preOut: Float32Array } => {
    const out = c0.slice();
    const sums = new Float32Array(n + 1);
    const preOut = new Float32Array(offset + strideC * batch);
    backend.gemm({
      a, aOffset: offset, lda, transA, strideA, b, bOffset: offset, ldb, transB, strideB,
      c: out, cOffset: offset, ldc, strideC, m, n, k, batch, alpha, beta,
      bias: c.bias ? bias : null, biasOffset: 2, residual: c.residual ? residual : null, residualOffset: 3,
      colSumB: c.colSum ? sums : null, colSumBOffset: 1,
      epilogue: c.epilogue, pre: grad ? pre : null, preOffset: offset, post: c.post ? post : null, postOffset: offset,
      preOut: c.epilogue && !grad ? preOut : null, preOutOffset: offset,
    });
    return { out, sums, preOut };
  };
  const expected = run(jsBackend);
  const actual = run(native!);
  const tol = 2e-5 * Math.sqrt(k + 1);
  for (const key of ['out', 'sums', 'preOut'] as const) {
    const { ok, maxErr } = compareArrays(actual[key], expected[key], tol, 1e-5);
    assert.ok(ok, `gemm ${JSON.stringify(c)}: ${key} max error ${maxErr}`);
  }
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

test('native gemm matches js in every tile store: C = AB, C += AB, C = AB + bias + residual, alpha/beta, over k blocks', { skip }, () => {
  withThreads(native!, () => {
    let seed = 500;
    // k 800 takes three k blocks, the later ones accumulating; m 1..7 gives every row-panel remainder.
    for (const [alpha, beta] of [[1, 0], [1, 1], [1, 0.5], [2, 0], [-0.5, 1]]) {
      for (const m of [1, 5, 6, 7]) check({ m, n: 35, k: 800, alpha, beta }, seed++);
    }
    for (const beta of [0, 1]) {
      for (const m of [2, 3, 4, 5, 13]) {
        check({ m, n: 40, k: 800, beta, bias: true }, seed++);
        check({ m, n: 40, k: 800, beta, residual: true }, seed++);
        check({ m, n: 40, k: 800, beta, bias: true, residual: true }, seed++);
      }
    }
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

test('native gemm rejects a residual, pre or post array that does not cover C, or a negative offset', { skip }, () => {
  const base = {
    a: new Float32Array(256), aOffset: 0, lda: 16, transA: false, strideA: 0,
    b: new Float32Array(256), bOffset: 0, ldb: 16, transB: false, strideB: 0,
    c: new Float32Array(256), cOffset: 0, ldc: 16, strideC: 0, m: 16, n: 16, k: 16, batch: 1, alpha: 1, beta: 0,
  };
  const short = new Float32Array(255);
  const full = new Float32Array(256);
  assert.throws(() => native!.gemm({ ...base, residual: short, residualOffset: 0 }), /residual is too short/);
  assert.throws(() => native!.gemm({ ...base, residual: full, residualOffset: -1 }), /residual offset must be >= 0/);
  assert.throws(() => native!.gemm({ ...base, epilogue: 'gelu_tanh', preOut: short, preOutOffset: 0 }), /pre is too short/);
  assert.throws(() => native!.gemm({ ...base, epilogue: 'gelu_tanh_grad', pre: full, preOffset: -1 }), /pre offset must be >= 0/);
  assert.throws(() => native!.gemm({ ...base, epilogue: 'gelu_tanh_grad', pre: full, preOffset: 0, post: short, postOffset: 0 }),
    /post is too short/);
  assert.throws(() => native!.gemm({ ...base, epilogue: 'gelu_tanh_grad', pre: full, preOffset: 0, post: full, postOffset: -2 }),
    /post offset must be >= 0/);
  native!.gemm({ ...base, residual: full, residualOffset: 0, epilogue: 'gelu_tanh_grad', pre: full, preOffset: 0, post: full, postOffset: 0 });
});

test('native gemm sums the columns of op(B) while packing: transposes, odd sizes, k blocks, vector shapes', { skip }, () => {
  withThreads(native!, () => {
    let seed = 300;
    for (const [m, n, k] of [[7, 9, 5], [64, 256, 500], [500, 200, 64], [33, 70, 257], [257, 33, 7], [13, 31, 800], [1, 300, 40], [300, 1, 40], [9, 10, 0]]) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) check({ m, n, k, transA, transB, colSum: true }, seed++);
      }
    }
    check({ m: 37, n: 41, k: 29, alpha: 0, beta: 0.5, colSum: true }, seed++);
    check({ m: 19, n: 23, k: 17, pad: 3, offset: 5, transB: true, bias: true, colSum: true }, seed++);
  });
});

test('native gemm GELU epilogues match js: forward (with preOut) and derivative, blocked and vector paths', { skip }, () => {
  withThreads(native!, () => {
    let seed = 400;
    const epilogues: GemmEpilogue[] = ['gelu_tanh', 'gelu_erf', 'gelu_tanh_grad', 'gelu_erf_grad'];
    for (const epilogue of epilogues) {
      for (const [m, n, k] of [[7, 9, 5], [300, 200, 64], [33, 70, 800], [1, 300, 40], [300, 1, 40], [9, 10, 0]]) {
        check({ m, n, k, transB: m % 2 === 0, bias: true, epilogue }, seed++);
        check({ m, n, k, transA: true, alpha: 0.5, beta: 0.5, pad: 2, offset: 3, epilogue }, seed++);
      }
      check({ m: 33, n: 17, k: 9, batch: 3, bias: true, epilogue }, seed++);
      if (epilogue.endsWith('_grad')) {
        check({ m: 300, n: 200, k: 64, transB: true, epilogue, post: true }, seed++);
        check({ m: 1, n: 300, k: 40, batch: 2, beta: 0.5, pad: 1, offset: 2, epilogue, post: true }, seed++);
      }
    }
  });
});

test('js gemm epilogues, residual and column sums, by hand', () => {
  // C = A·B + bias with A = I: C is B + bias; gelu_tanh(0) = 0, gelu_tanh'(0) = 1/2.
  const c = new Float32Array(4);
  const preOut = new Float32Array(4);
  const sums = new Float32Array(2);
  const args = {
    a: Float32Array.of(1, 0, 0, 1), aOffset: 0, lda: 2, transA: false, strideA: 0,
    b: Float32Array.of(0, 2, -1, 3), bOffset: 0, ldb: 2, transB: false, strideB: 0,
    c, cOffset: 0, ldc: 2, strideC: 4, m: 2, n: 2, k: 2, batch: 1, alpha: 1, beta: 0,
    bias: Float32Array.of(0, 1), colSumB: sums, preOut,
  } satisfies GemmArgs;
  jsBackend.gemm({ ...args, epilogue: 'gelu_tanh' });
  assert.deepEqual([...preOut], [0, 3, -1, 4]);
  assert.deepEqual([...sums], [-1, 5]);
  assert.equal(c[0], 0);
  assert.ok(Math.abs(c[1] - 3 * 0.5 * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (3 + 0.044715 * 27)))) < 1e-6);
  jsBackend.gemm({ ...args, epilogue: 'gelu_tanh_grad', pre: new Float32Array(4) });
  assert.deepEqual([...c], [0, 1.5, -0.5, 2]);
  jsBackend.gemm({ ...args, residual: Float32Array.of(9, 1, 2, 3, 4), residualOffset: 1 });
  assert.deepEqual([...c], [1, 5, 2, 8]);
});

test('native gemm adds a residual laid out as C: with or without bias and epilogue, beta, batches, vector paths', { skip }, () => {
  withThreads(native!, () => {
    let seed = 500;
    for (const [m, n, k] of [[7, 9, 5], [300, 200, 64], [64, 256, 500], [1, 300, 40], [300, 1, 40], [9, 10, 0]]) {
      check({ m, n, k, transB: true, bias: true, residual: true }, seed++);
      check({ m, n, k, transA: true, beta: 0.5, pad: 2, offset: 1, residual: true }, seed++);
      check({ m, n, k, bias: true, residual: true, epilogue: 'gelu_tanh' }, seed++);
    }
    check({ m: 33, n: 17, k: 9, batch: 3, bias: true, residual: true }, seed++);
  });
});
