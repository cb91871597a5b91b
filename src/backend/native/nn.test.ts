import assert from 'node:assert/strict';
import test from 'node:test';
import { compareArrays } from '../../testing/assert.js';
import { jsBackend } from '../js/index.js';
import type { AttentionArgs, AttentionDropout, HeadLayout } from '../types.js';
import { MAX_ARRAYS_PER_CALL } from './elementwise.js';
import { nativeForTests, randomFloats, withThreads } from './testing.js';

const { native, skip } = nativeForTests();

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number, what: string): void {
  const { ok, maxErr } = compareArrays(actual, expected, atol, rtol);
  assert.ok(ok, `${what}: max error ${maxErr}`);
}

function randomInts(n: number, seed: number, hi: number): Int32Array {
  const f = randomFloats(n, seed, 0, hi);
  return Int32Array.from(f, (v) => Math.min(hi - 1, Math.floor(v)));
}

test('native reduce (sum, max, min with indices) matches js', { skip }, () => {
  withThreads(native!, () => {
    let seed = 1;
    for (const [outer, dim, inner] of [[1, 257, 1], [33, 7, 1], [4, 33, 257], [3, 5, 7], [300, 129, 1], [2, 1, 64], [64, 1000, 2]]) {
      const x = randomFloats(outer * dim * inner, seed++, -5, 5);
      x[1] = NaN;
      if (x.length > 100) x[x.length - 3] = 7; // a tie with nothing: fine; and a large value
      for (const op of ['sum', 'max', 'min'] as const) {
        const e = new Float32Array(outer * inner);
        const a = new Float32Array(outer * inner);
        const ei = new Int32Array(outer * inner);
        const ai = new Int32Array(outer * inner);
        jsBackend.reduce(op, x, e, outer, dim, inner, op === 'sum' ? null : ei);
        native!.reduce(op, x, a, outer, dim, inner, op === 'sum' ? null : ai);
        close(a, e, 1e-5, 1e-6, `${op} [${outer}, ${dim}, ${inner}]`);
        assert.deepEqual(ai, ei, `${op} indices [${outer}, ${dim}, ${inner}]`);
      }
    }
    // Ties pick the first index.
    const t = new Float32Array([1, 3, 3, 0, 3, 2, 2, 2]);
    for (const op of ['max', 'min'] as const) {
      const a = new Float32Array(1);
      const ai = new Int32Array(1);
      const e = new Float32Array(1);
      const ei = new Int32Array(1);
      const big = new Float32Array(80).fill(1);
      big.set(t, 40);
      jsBackend.reduce(op, big, e, 1, 80, 1, ei);
      native!.reduce(op, big, a, 1, 80, 1, ai);
      assert.deepEqual([a[0], ai[0]], [e[0], ei[0]], `${op} ties`);
    }
  });
});

test('native softmax / log-softmax and their backward match js', { skip }, () => {
  withThreads(native!, () => {
    let seed = 50;
    for (const [rows, dim] of [[1, 257], [33, 7], [64, 65], [512, 300]]) {
      const x = randomFloats(rows * dim, seed++, -8, 8);
      for (let j = 0; j < dim; j++) x[j] = -Infinity; // a fully masked row gives NaN in both
      if (rows > 1) x[dim + 1] = -Infinity;
      for (const log of [false, true]) {
        const e = new Float32Array(rows * dim);
        const a = new Float32Array(rows * dim);
        jsBackend.softmax(x, e, rows, dim, 1, log);
        native!.softmax(x, a, rows, dim, 1, log);
        close(a, e, 1e-6, 1e-5, `softmax log=${log} [${rows}, ${dim}]`);
        const y = e.map((v) => (Number.isNaN(v) ? 0 : v === -Infinity ? -100 : v));
        const gy = randomFloats(rows * dim, seed++);
        const ge = new Float32Array(rows * dim);
        const ga = new Float32Array(rows * dim);
        jsBackend.softmaxBackward(y, gy, ge, rows, dim, 1, log);
        native!.softmaxBackward(y, gy, ga, rows, dim, 1, log);
        close(ga, ge, 1e-5, 1e-5, `softmaxBackward log=${log} [${rows}, ${dim}]`);
      }
    }
    // A middle-axis softmax (inner > 1) still works (served by js).
    const x = randomFloats(2 * 5 * 3, 3);
    const e = new Float32Array(30);
    const a = new Float32Array(30);
    jsBackend.softmax(x, e, 2, 5, 3, false);
    native!.softmax(x, a, 2, 5, 3, false);
    close(a, e, 1e-7, 1e-6, 'softmax inner 3');
  });
});

test('native layerNorm and its backward match js (with and without affine)', { skip }, () => {
  withThreads(native!, () => {
    let seed = 90;
    for (const [rows, cols] of [[1, 257], [33, 7], [768, 128], [64, 33]]) {
      const x = randomFloats(rows * cols, seed++, -3, 5);
      const w = randomFloats(cols, seed++, 0.5, 1.5);
      const b = randomFloats(cols, seed++);
      for (const affine of [true, false]) {
        const W = affine ? w : null;
        const B = affine ? b : null;
        const ye = new Float32Array(rows * cols);
        const ya = new Float32Array(rows * cols);
        const me = new Float32Array(rows);
        const ma = new Float32Array(rows);
        const re = new Float32Array(rows);
        const ra = new Float32Array(rows);
        jsBackend.layerNorm(x, W, B, ye, me, re, rows, cols, 1e-5);
        native!.layerNorm(x, W, B, ya, ma, ra, rows, cols, 1e-5);
        close(ya, ye, 1e-5, 1e-5, `layerNorm y [${rows}, ${cols}]`);
        close(ma, me, 1e-6, 1e-6, 'layerNorm mean');
        close(ra, re, 1e-6, 1e-5, 'layerNorm rstd');
        const gy = randomFloats(rows * cols, seed++);
        const gxe = new Float32Array(rows * cols);
        const gxa = new Float32Array(rows * cols);
        const start = randomFloats(cols, seed++);
        const gwe = affine ? start.slice() : null;
        const gwa = affine ? start.slice() : null;
        const gbe = affine ? start.slice() : null;
        const gba = affine ? start.slice() : null;
        jsBackend.layerNormBackward(x, W, me, re, gy, gxe, gwe, gbe, rows, cols);
        native!.layerNormBackward(x, W, me, re, gy, gxa, gwa, gba, rows, cols);
        close(gxa, gxe, 1e-5, 1e-4, `layerNormBackward gx [${rows}, ${cols}]`);
        if (affine) {
          close(gwa!, gwe!, 1e-4, 1e-4, 'layerNormBackward gw (accumulated)');
          close(gba!, gbe!, 1e-4, 1e-4, 'layerNormBackward gb (accumulated)');
        }
        // accumulate: gx gets the gradient added to what it holds
        const prior = randomFloats(rows * cols, seed++);
        const gxs = prior.slice();
        native!.layerNormBackward(x, W, me, re, gy, gxs, null, null, rows, cols, true);
        close(gxs, prior.map((v, i) => v + gxe[i]), 1e-5, 1e-4, `layerNormBackward accumulated gx [${rows}, ${cols}]`);
        const gxj = prior.slice();
        jsBackend.layerNormBackward(x, W, me, re, gy, gxj, null, null, rows, cols, true);
        close(gxj, prior.map((v, i) => v + gxe[i]), 1e-6, 1e-5, 'js layerNormBackward accumulated gx');
      }
    }
  });
});

test('native embedding and embeddingBackward (scatter-add, padding) match js', { skip }, () => {
  withThreads(native!, () => {
    for (const [n, dim, vocab] of [[7, 33, 5], [768, 128, 65], [4096, 96, 50]]) {
      const ids = randomInts(n, n, vocab);
      const w = randomFloats(vocab * dim, dim);
      const e = new Float32Array(n * dim);
      const a = new Float32Array(n * dim);
      jsBackend.embedding(ids, w, e, n, dim);
      native!.embedding(ids, w, a, n, dim);
      assert.deepEqual(a, e, 'embedding');
      const gy = randomFloats(n * dim, 3);
      for (const padding of [-1, 2]) {
        const ge = randomFloats(vocab * dim, 4);
        const ga = ge.slice();
        jsBackend.embeddingBackward(ids, gy, ge, n, dim, padding);
        native!.embeddingBackward(ids, gy, ga, n, dim, padding);
        close(ga, ge, 1e-5, 1e-5, `embeddingBackward padding=${padding}`);
      }
    }
  });
});

test('native embedding rejects ids out of range', { skip }, () => {
  const w = new Float32Array(10 * 8);
  assert.throws(() => native!.embedding(new Int32Array([1, 10]), w, new Float32Array(16), 2, 8), /out of range/);
});

test('native crossEntropy matches js (ignore_index, label smoothing, with and without gradient)', { skip }, () => {
  withThreads(native!, () => {
    for (const [rows, classes] of [[1, 7], [33, 65], [768, 65], [16, 1000]]) {
      const logits = randomFloats(rows * classes, rows + classes, -6, 6);
      const targets = randomInts(rows, classes, classes);
      if (rows > 2) targets[1] = -100;
      for (const smoothing of [0, 0.1]) {
        for (const withGrad of [true, false]) {
          const le = new Float32Array(rows);
          const la = new Float32Array(rows);
          const ge = withGrad ? new Float32Array(rows * classes) : null;
          const ga = withGrad ? new Float32Array(rows * classes) : null;
          const args = { logits, targets, rows, classes, ignoreIndex: -100, labelSmoothing: smoothing };
          jsBackend.crossEntropy({ ...args, losses: le, gradLogits: ge });
          native!.crossEntropy({ ...args, losses: la, gradLogits: ga });
          close(la, le, 1e-5, 1e-5, `crossEntropy loss [${rows}, ${classes}] ε=${smoothing}`);
          if (withGrad) close(ga!, ge!, 1e-6, 1e-5, `crossEntropy grad [${rows}, ${classes}] ε=${smoothing}`);
        }
      }
    }
  });
});

test('native Adam / AdamW steps match js', { skip }, () => {
  withThreads(native!, () => {
    for (const n of [65, 257, 100_003]) {
      for (const decoupled of [true, false]) {
        for (const weightDecay of [0, 0.1]) {
          const p = [randomFloats(n, 1), randomFloats(n, 1)];
          const m = [randomFloats(n, 2, -0.1, 0.1), randomFloats(n, 2, -0.1, 0.1)];
          const v = [randomFloats(n, 3, 0, 0.01), randomFloats(n, 3, 0, 0.01)];
          for (let step = 1; step <= 3; step++) {
            const grad = randomFloats(n, 10 + step);
            const common = { lr: 1e-3, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay, step, decoupled };
            jsBackend.adamUpdate({ param: p[0], grad, m: m[0], v: v[0], ...common });
            native!.adamUpdate({ param: p[1], grad, m: m[1], v: v[1], ...common });
          }
          const what = `adam n=${n} decoupled=${decoupled} wd=${weightDecay}`;
          close(p[1], p[0], 1e-6, 1e-5, `${what} param`);
          close(m[1], m[0], 1e-7, 1e-5, `${what} m`);
          close(v[1], v[0], 1e-9, 1e-5, `${what} v`);
        }
      }
    }
  });
});

/** Lengths below, at and above the vector width, the js cutoff (64) and the threaded size (2^15). */
const LIST_LENGTHS = [1, 3, 7, 8, 9, 63, 64, 65, 100, 1000, 40_001];

test('native adamUpdateList leaves every tensor bit for bit as adamUpdate per tensor', { skip }, () => {
  withThreads(native!, (threads) => {
    for (const decoupled of [true, false]) {
      for (const weightDecay of [0, 0.1]) {
        // One float64 tensor among the float32 ones takes the js path in both.
        const make = (seed: number, lo: number, hi: number) => [...LIST_LENGTHS.map((n, i) => randomFloats(n, seed + i, lo, hi)),
          Float64Array.from(randomFloats(70, seed + 99, lo, hi))];
        const one = { p: make(1, -1, 1), m: make(100, -0.1, 0.1), v: make(200, 0, 0.01) };
        const list = { p: one.p.map((x) => x.slice()), m: one.m.map((x) => x.slice()), v: one.v.map((x) => x.slice()) };
        for (let step = 1; step <= 3; step++) {
          const grads = make(300 + 10 * step, -1, 1);
          const common = { lr: 1e-3, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay, step, decoupled };
          grads.forEach((grad, t) => native!.adamUpdate({ param: one.p[t], grad, m: one.m[t], v: one.v[t], ...common }));
          native!.adamUpdateList({ params: list.p, grads, ms: list.m, vs: list.v, ...common });
        }
        const what = `adamUpdateList decoupled=${decoupled} wd=${weightDecay} threads=${threads}`;
        assert.deepEqual(list.p, one.p, `${what} params`);
        assert.deepEqual(list.m, one.m, `${what} m`);
        assert.deepEqual(list.v, one.v, `${what} v`);
      }
    }
  });
  // More tensors than one call of the addon takes.
  const many = (seed: number) => Array.from({ length: MAX_ARRAYS_PER_CALL / 4 + 300 }, (_, i) => randomFloats(64 + (i % 9), seed + i));
  const one = { p: many(1), g: many(20_000), m: many(40_000), v: many(60_000).map((v) => v.map(Math.abs)) };
  const list = { p: one.p.map((x) => x.slice()), m: one.m.map((x) => x.slice()), v: one.v.map((x) => x.slice()) };
  const common = { lr: 1e-3, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, step: 2, decoupled: true };
  one.p.forEach((param, t) => native!.adamUpdate({ param, grad: one.g[t], m: one.m[t], v: one.v[t], ...common }));
  native!.adamUpdateList({ params: list.p, grads: one.g, ms: list.m, vs: list.v, ...common });
  assert.deepEqual([list.p, list.m, list.v], [one.p, one.m, one.v], 'adamUpdateList over several addon calls');

  const x = new Float32Array(100);
  assert.throws(() => native!.adamUpdateList({ params: [x], grads: [x.subarray(1)], ms: [x], vs: [x], lr: 1e-3,
    beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, step: 1, decoupled: true }), /shorter than its param/);
});

test('native sumSquaresList and scaleInPlaceList equal per-array calls bit for bit, and js', { skip }, () => {
  withThreads(native!, (threads) => {
    const xs = [...LIST_LENGTHS, 127, 128, 200_003].map((n, i) => randomFloats(n, 40 + i, -3, 3));
    let perArray = 0;
    for (const x of xs) perArray += native!.sumSquares(x, x.length);
    assert.equal(native!.sumSquaresList(xs), perArray, `sumSquaresList threads=${threads}`);
    close([native!.sumSquaresList(xs)], [jsBackend.sumSquaresList(xs)], 0, 1e-12, 'sumSquaresList vs js');
    const mixed = [xs[4], Float64Array.from(xs[5]), xs[9]];
    assert.equal(native!.sumSquaresList(mixed),
      native!.sumSquares(mixed[0], mixed[0].length) + jsBackend.sumSquares(mixed[1], mixed[1].length) +
      native!.sumSquares(mixed[2], mixed[2].length), 'sumSquaresList with a float64 array');

    const one = xs.map((x) => x.slice());
    const list = xs.map((x) => x.slice());
    const s = 0.3 + 1e-9; // not exactly a float: small arrays scale in double as js does
    for (const x of one) native!.scaleInPlace(x, x.length, s);
    native!.scaleInPlaceList(list, s);
    assert.deepEqual(list, one, `scaleInPlaceList threads=${threads}`);
  });
  const many = Array.from({ length: MAX_ARRAYS_PER_CALL + 500 }, (_, i) => randomFloats(100 + (i % 60), i, -2, 2));
  let perArray = 0;
  for (const x of many) perArray += native!.sumSquares(x, x.length);
  assert.equal(native!.sumSquaresList(many), perArray, 'sumSquaresList over several addon calls');
  const scaled = many.map((x) => x.slice());
  native!.scaleInPlaceList(scaled, 0.7);
  for (const x of many) native!.scaleInPlace(x, x.length, 0.7);
  assert.deepEqual(scaled, many, 'scaleInPlaceList over several addon calls');

  const special = [new Float32Array([1, NaN, 2]), randomFloats(300, 7)];
  assert.ok(Number.isNaN(native!.sumSquaresList(special)));
  special[0][1] = Infinity;
  assert.equal(native!.sumSquaresList(special), Infinity);
  native!.scaleInPlaceList(special, 0);
  assert.ok(Number.isNaN(special[0][1]) && special[0][0] === 0 && special[1].every((v) => v === 0));
});

function attentionCase(b: number, h: number, tq: number, tk: number, d: number, causal: boolean, masked: boolean,
  seed: number, scale = 1 / Math.sqrt(d), dropout: AttentionDropout | null = null): void {
  const q = randomFloats(b * h * tq * d, seed, -1, 1);
  const k = randomFloats(b * h * tk * d, seed + 1, -1, 1);
  const v = randomFloats(b * h * tk * d, seed + 2, -1, 1);
  // A [B, 1, Tq, Tk] mask broadcast over heads (stride 0), with every row keeping key 0.
  const mask = masked ? Uint8Array.from(randomFloats(b * tq * tk, seed + 3, 0, 1), (x, i) => (x > 0.3 || i % tk === 0 ? 1 : 0)) : null;
  const args = (out: Float32Array, probs: Float32Array | null): AttentionArgs => ({
    q, k, v, out, batch: b, heads: h, tq, tk, headDim: d, scale, causal,
    mask, maskStrideB: masked ? tq * tk : 0, maskStrideH: 0, probs, dropout,
  });
  const what = `attention B${b} H${h} Tq${tq} Tk${tk} D${d} causal=${causal} mask=${masked} dropout=${dropout?.p ?? 0}`;
  const oe = new Float32Array(q.length);
  const oa = new Float32Array(q.length);
  const pe = new Float32Array(b * h * tq * tk);
  const pa = new Float32Array(b * h * tq * tk);
  jsBackend.attention(args(oe, pe));
  native!.attention(args(oa, pa));
  close(oa, oe, 1e-5, 1e-5, `${what} out`);
  close(pa, pe, 1e-6, 1e-5, `${what} probs`);
  const oNoProbs = new Float32Array(q.length);
  native!.attention(args(oNoProbs, null));
  close(oNoProbs, oe, 1e-5, 1e-5, `${what} out without probs`);

  const gradOut = randomFloats(q.length, seed + 4);
  const grads = () => ({ gradQ: new Float32Array(q.length), gradK: new Float32Array(k.length), gradV: new Float32Array(v.length) });
  const ge = grads();
  const ga = grads();
  const common = { q, k, v, probs: pe, gradOut, batch: b, heads: h, tq, tk, headDim: d, scale, dropout };
  jsBackend.attentionBackward({ ...common, ...ge });
  native!.attentionBackward({ ...common, ...ga, causal });
  const gradAtol = 1e-5 * Math.max(1, scale);  // dQ and dK carry the score scale
  close(ga.gradQ, ge.gradQ, gradAtol, 1e-4, `${what} gradQ`);
  close(ga.gradK, ge.gradK, gradAtol, 1e-4, `${what} gradK`);
  close(ga.gradV, ge.gradV, 1e-5, 1e-4, `${what} gradV`);
}

/**
 * q, k and v read from one packed (B, T, 3, H, D + pad) array (a fused projection's layout, rows wider than
 * the heads), out and gradients written (B, T, H, D + pad); the causal backward may skip the zero blocks.
 * Checked against the js kernel on contiguous copies, and the js kernel with the same layouts.
 */
function packedAttentionCase(b: number, h: number, t: number, d: number, causal: boolean, seed: number): void {
  const pad = 3;
  const w = d + pad;
  const qkv = randomFloats(b * t * 3 * h * w + 5, seed, -1, 1);
  const at = (which: number): HeadLayout => ({ offset: 5 + which * h * w, batch: t * 3 * h * w, head: w, row: 3 * h * w });
  const lout: HeadLayout = { offset: 0, batch: t * h * w, head: w, row: h * w };
  const gather = (src: Float32Array, l: HeadLayout): Float32Array => {
    const dst = new Float32Array(b * h * t * d);
    for (let i = 0; i < b * h * t; i++) {
      const [bi, hi, ti] = [Math.floor(i / (h * t)), Math.floor(i / t) % h, i % t];
      for (let x = 0; x < d; x++) dst[i * d + x] = src[l.offset + bi * l.batch + hi * l.head + ti * l.row + x];
    }
    return dst;
  };
  const [q, k, v] = [0, 1, 2].map((i) => gather(qkv, at(i)));
  const common = { batch: b, heads: h, tq: t, tk: t, headDim: d, scale: 0.3, causal, mask: null, maskStrideB: 0, maskStrideH: 0 };
  const what = `packed attention B${b} H${h} T${t} D${d} causal=${causal}`;
  const oe = new Float32Array(b * h * t * d);
  const pe = new Float32Array(b * h * t * t);
  jsBackend.attention({ ...common, q, k, v, out: oe, probs: pe });
  const layouts = { q: at(0), k: at(1), v: at(2), out: lout };
  for (const be of [jsBackend, native!]) {
    const out = new Float32Array(b * t * h * w).fill(7);
    const probs = new Float32Array(b * h * t * t);
    be.attention({ ...common, q: qkv, k: qkv, v: qkv, out, probs, layouts });
    close(gather(out, lout), oe, 1e-5, 1e-5, `${what} ${be.name} out`);
    close(probs, pe, 1e-6, 1e-5, `${what} ${be.name} probs`);
    assert.equal(out[d], 7, `${what} ${be.name}: padding left alone`);
  }
  const gradOut = randomFloats(b * t * h * w, seed + 1);
  const ge = { gradQ: new Float32Array(q.length), gradK: new Float32Array(q.length), gradV: new Float32Array(q.length) };
  jsBackend.attentionBackward({ ...common, q, k, v, probs: pe, gradOut: gather(gradOut, lout), ...ge });
  for (const be of [jsBackend, native!]) {
    const grads = new Float32Array(qkv.length).fill(7);
    be.attentionBackward({
      ...common, q: qkv, k: qkv, v: qkv, probs: pe, gradOut, gradQ: grads, gradK: grads, gradV: grads,
      layouts: { q: at(0), k: at(1), v: at(2), gradOut: lout, gradQ: at(0), gradK: at(1), gradV: at(2) },
    });
    close(gather(grads, at(0)), ge.gradQ, 1e-5, 1e-4, `${what} ${be.name} gradQ`);
    close(gather(grads, at(1)), ge.gradK, 1e-5, 1e-4, `${what} ${be.name} gradK`);
    close(gather(grads, at(2)), ge.gradV, 1e-5, 1e-4, `${what} ${be.name} gradV`);
    assert.equal(grads[4], 7, `${what} ${be.name}: elements outside the operands left alone`);
  }
}

/**
 * One query row per (batch, head) against keys and values read in place from KV-cache buffers
 * [B, maxT, H, D] (maxT > Tk), the output written (B, 1, H, D); native against js with the same layouts.
 */
function cachedAttentionCase(b: number, h: number, tk: number, d: number, causal: boolean, masked: boolean, seed: number): void {
  const maxT = tk + 3;
  const q = randomFloats(b * h * d, seed, -1, 1);
  const k = randomFloats(b * maxT * h * d, seed + 1, -1, 1);
  const v = randomFloats(b * maxT * h * d, seed + 2, -1, 1);
  const cache: HeadLayout = { offset: 0, batch: maxT * h * d, head: d, row: h * d };
  const merged: HeadLayout = { offset: 0, batch: h * d, head: d, row: h * d };
  const mask = masked ? Uint8Array.from(randomFloats(b * tk, seed + 3, 0, 1), (x, i) => (x > 0.4 || i % tk === tk - 1 ? 1 : 0)) : null;
  const what = `cached attention B${b} H${h} Tk${tk} D${d} causal=${causal} mask=${masked}`;
  const outs = [jsBackend, native!].map((be) => {
    const out = new Float32Array(b * h * d);
    const probs = new Float32Array(b * h * tk);
    be.attention({
      q, k, v, out, batch: b, heads: h, tq: 1, tk, headDim: d, scale: 1 / Math.sqrt(d), causal,
      mask, maskStrideB: masked ? tk : 0, maskStrideH: 0, probs, layouts: { q: merged, k: cache, v: cache, out: merged },
    });
    return [out, probs];
  });
  close(outs[1][0], outs[0][0], 1e-5, 1e-5, `${what} out`);
  close(outs[1][1], outs[0][1], 1e-6, 1e-5, `${what} probs`);
}

test('native single-query attention over KV-cache layouts matches js (odd head sizes, masks)', { skip }, () => {
  withThreads(native!, () => {
    let seed = 500;
    cachedAttentionCase(1, 1, 1, 1, true, false, seed++);
    cachedAttentionCase(1, 12, 37, 64, true, false, seed++);
    cachedAttentionCase(3, 2, 9, 13, true, true, seed++);
    cachedAttentionCase(2, 3, 20, 7, false, true, seed++);
    cachedAttentionCase(2, 5, 130, 24, true, false, seed++);
    cachedAttentionCase(1, 2, 11, 40, true, false, seed++);
    cachedAttentionCase(2, 2, 6, 70, false, true, seed++);
    cachedAttentionCase(1, 1, 3, 36, true, false, seed++);
  });
});

test('native fused attention with strided operands (packed q/k/v) matches js', { skip }, () => {
  withThreads(native!, () => {
    let seed = 400;
    packedAttentionCase(1, 1, 1, 1, true, seed++);
    packedAttentionCase(2, 3, 7, 5, true, seed++);
    packedAttentionCase(2, 2, 9, 17, false, seed++);
    packedAttentionCase(3, 4, 21, 33, true, seed++);
    packedAttentionCase(12, 4, 64, 32, true, seed++);
    packedAttentionCase(2, 2, 31, 16, true, seed++);
    packedAttentionCase(1, 3, 64, 64, false, seed++);
  });
});

test('native fused attention and its backward match js (causal, masks, Tq != Tk)', { skip }, () => {
  withThreads(native!, () => {
    let seed = 300;
    attentionCase(1, 1, 1, 1, 1, true, false, seed++);
    attentionCase(2, 3, 7, 7, 33, true, false, seed++);
    attentionCase(2, 3, 7, 7, 33, false, true, seed++);
    attentionCase(2, 2, 5, 9, 16, true, true, seed++);
    attentionCase(1, 4, 1, 33, 64, true, false, seed++);
    attentionCase(12, 4, 64, 64, 32, true, false, seed++);
  });
});

test('native fused attention with dropout on the probabilities matches js (the same elements dropped)', { skip }, () => {
  withThreads(native!, () => {
    let seed = 390;
    const drop = (p: number): AttentionDropout => ({ p, seed0: seed * 7919, seed1: 0xfffffff0 - seed });
    for (const p of [0.1, 0.5]) {
      attentionCase(2, 3, 7, 7, 33, true, false, seed++, undefined, drop(p));
      attentionCase(2, 2, 5, 9, 16, true, true, seed++, undefined, drop(p));
      attentionCase(1, 4, 1, 33, 64, true, false, seed++, undefined, drop(p));
      attentionCase(2, 1, 13, 13, 8, false, true, seed++, undefined, drop(p));
      attentionCase(12, 4, 64, 64, 32, true, false, seed++, undefined, drop(p));
    }
  });
});

test('native fused attention matches js over block and vector edges (odd T, head dims off multiples of 8)', { skip }, () => {
  withThreads(native!, () => {
    let seed = 350;
    attentionCase(2, 2, 13, 13, 8, true, false, seed++);
    attentionCase(1, 3, 17, 17, 24, true, true, seed++);
    attentionCase(1, 2, 64, 64, 64, false, false, seed++);
    attentionCase(2, 1, 6, 6, 3, true, false, seed++);
    attentionCase(1, 2, 3, 20, 12, true, false, seed++);
    attentionCase(1, 2, 25, 25, 9, false, true, seed++);
    attentionCase(1, 2, 70, 70, 40, true, false, seed++);
  });
});

test('native fused attention matches js when scores span more than the exponential range', { skip }, () => {
  withThreads(native!, () => {
    attentionCase(1, 2, 19, 19, 16, true, false, 370, 60);
    attentionCase(1, 2, 9, 9, 16, false, true, 371, 60);
  });
});

test('native fused attention gives NaN rows where a row attends to nothing, as js does', { skip }, () => {
  const [t, d] = [9, 8];
  const q = randomFloats(t * d, 380, -1, 1);
  const k = randomFloats(t * d, 381, -1, 1);
  const v = randomFloats(t * d, 382, -1, 1);
  const mask = Uint8Array.from({ length: t * t }, (_, i) => (Math.floor(i / t) === 4 ? 0 : 1));
  const run = (be: typeof jsBackend): Float32Array[] => {
    const out = new Float32Array(t * d);
    const probs = new Float32Array(t * t);
    be.attention({ q, k, v, out, batch: 1, heads: 1, tq: t, tk: t, headDim: d, scale: 0.5, causal: true, mask,
      maskStrideB: 0, maskStrideH: 0, probs });
    return [out, probs];
  };
  const [[oe, pe], [oa, pa]] = [run(jsBackend), run(native!)];
  assert.ok(Number.isNaN(oa[4 * d]) && Number.isNaN(pa[4 * t]), 'row 4 is NaN');
  close(oa, oe, 1e-5, 1e-5, 'out');
  close(pa, pe, 1e-6, 1e-5, 'probs');
});
