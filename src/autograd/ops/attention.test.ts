import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backend } from '../../backend/index.js';
import { Tensor } from '../../tensor/tensor.js';
import { Generator } from '../../tensor/random.js';
import { assertClose } from '../../testing/assert.js';
import { gradcheck } from '../gradcheck.js';
import * as ops from './index.js';
import { bools, constant, leaf } from './testutil.js';

/** softmax(q kᵀ·scale + mask) v written out with plain ops (mask: true = takes part). */
function reference(q: Tensor, k: Tensor, v: Tensor, mask: Tensor | null, causal: boolean, scale?: number): Tensor {
  const D = q.shape[q.ndim - 1];
  const Tq = q.shape[q.ndim - 2];
  const Tk = k.shape[k.ndim - 2];
  let s = ops.mul(ops.matmul(q, ops.transpose(k, -2, -1)), scale ?? 1 / Math.sqrt(D));
  if (causal) {
    const allowed = new Tensor(new Uint8Array(Tq * Tk).map((_, p) => (p % Tk <= Math.floor(p / Tk) + Tk - Tq ? 1 : 0)), [Tq, Tk], 'bool');
    s = ops.where(allowed, s, -Infinity);
  }
  if (mask) s = ops.where(mask, s, -Infinity);
  return ops.matmul(ops.softmax(s, -1), v);
}

test('fused attention matches the composed formula (causal, masks, Tq != Tk, scale)', () => {
  const q = constant([2, 3, 4, 5]);
  const k = constant([2, 3, 6, 5]);
  const v = constant([2, 3, 6, 5]);
  assertClose(ops.scaledDotProductAttention(q, k, v), reference(q, k, v, null, false), 1e-12);
  assertClose(ops.scaledDotProductAttention(q, k, v, { isCausal: true }), reference(q, k, v, null, true), 1e-12);
  const mask = bools([2, 1, 4, 6], 0.7);
  for (let i = 0; i < 8; i++) mask.data[i * 6] = 1; // no fully masked rows
  assertClose(ops.scaledDotProductAttention(q, k, v, { attnMask: mask, scale: 0.3 }), reference(q, k, v, mask, false, 0.3), 1e-12);
  const m2 = bools([4, 6], 0.7);
  for (let i = 0; i < 4; i++) m2.data[i * 6] = 1;
  assertClose(ops.scaledDotProductAttention(q, k, v, { attnMask: m2, isCausal: true }), reference(q, k, v, m2, true), 1e-12);
});

test('causal attention with one query (a KV-cache step) sees every key', () => {
  const q = constant([1, 2, 1, 4]);
  const k = constant([1, 2, 5, 4]);
  const v = constant([1, 2, 5, 4]);
  assertClose(ops.scaledDotProductAttention(q, k, v, { isCausal: true }), ops.scaledDotProductAttention(q, k, v), 1e-12);
});

test('without gradients, attention reads strided views in place (KV-cache buffers) with the same result', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    const [B, H, Tq, Tk, maxT, D] = [2, 3, 1, 5, 8, 7];
    // q from a (B, Tq, H, D) projection, k and v the first Tk positions of (B, maxT, H, D) buffers
    const q = ops.transpose(ops.toDtype(constant([B, Tq, H, D]), dtype), 1, 2);
    const [k, v] = [0, 1].map(() => ops.transpose(ops.slice(ops.toDtype(constant([B, maxT, H, D]), dtype), null, [0, Tk]), 1, 2));
    const tol = dtype === 'float32' ? 1e-5 : 1e-12;
    const mask = bools([B, 1, Tq, Tk], 0.6);
    for (let i = 0; i < B * Tq; i++) mask.data[i * Tk] = 1;
    for (const opts of [{ isCausal: true }, { attnMask: mask }]) {
      const expected = reference(q, k, v, opts.attnMask ?? null, opts.isCausal ?? false);
      const y = ops.scaledDotProductAttention(q, k, v, opts);
      assert.deepEqual(y.shape, [B, H, Tq, D]);
      assertClose(y, expected, tol, tol, `${dtype} ${Object.keys(opts)[0]}`);
      // the heads merge back into (B, Tq, H·D) as PyTorch's transpose + reshape would
      assertClose(ops.reshape(ops.transpose(y, 1, 2), [B, Tq, H * D]), ops.reshape(ops.transpose(expected, 1, 2), [B, Tq, H * D]), tol, tol);
    }
  }
});

test('with gradients too, attention reads split projections in place and writes the heads merged (no copies)', () => {
  const [B, H, Tq, Tk, D] = [2, 3, 4, 5, 6];
  const heads = (x: Tensor, T: number) => ops.transpose(ops.reshape(x, [B, T, H, D]), 1, 2);
  const merge = (y: Tensor) => ops.reshape(ops.transpose(y, 1, 2), [B, Tq, H * D]);
  // cross-attention's operands: q from its own projection, k and v the halves of one (B, Tk, 2·H·D) projection
  const cross = (xq: Tensor, xkv: Tensor, attend: typeof ops.scaledDotProductAttention, opts: ops.AttentionOptions) => {
    const [k, v] = ops.split(xkv, H * D, 2);
    return merge(attend(heads(xq, Tq), heads(k, Tk), heads(v, Tk), opts));
  };
  const mask = bools([B, 1, 1, Tk], 0.7);
  for (let b = 0; b < B; b++) mask.data[b * Tk] = 1;
  const fused = ops.scaledDotProductAttention;
  const composed = (q: Tensor, k: Tensor, v: Tensor, o: ops.AttentionOptions = {}) => reference(q, k, v, o.attnMask ?? null, o.isCausal ?? false);
  for (const opts of [{ attnMask: mask }, { isCausal: true }]) {
    gradcheck((xq, xkv) => cross(xq, xkv, fused, opts), [leaf([B, Tq, H * D]), leaf([B, Tk, 2 * H * D])]);
  }
  // a head dim that is not contiguous is copied first
  gradcheck((q, k, v) => fused(ops.transpose(q, 2, 3), k, v), [leaf([1, 2, 4, 3]), leaf([1, 2, 5, 4]), leaf([1, 2, 5, 4])]);

  const gen = new Generator(3);
  const random = (shape: number[]) => Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => gen.random() * 2 - 1);
  const [dq, dkv, dw] = [random([B, Tq, H * D]), random([B, Tk, 2 * H * D]), random([B, Tq, H * D])];
  const run = (attend: typeof fused, counted: boolean) => {
    const [xq, xkv] = [new Tensor(dq.slice(), [B, Tq, H * D], 'float32'), new Tensor(dkv.slice(), [B, Tk, 2 * H * D], 'float32')];
    xq.requiresGrad = true;
    xkv.requiresGrad = true;
    const be = backend();
    const copy = be.copy;
    let copies = 0;
    if (counted) be.copy = (...args) => { copies++; return copy.apply(be, args); };
    try {
      const y = cross(xq, xkv, attend, { attnMask: mask });
      ops.sum(ops.mul(y, new Tensor(dw, [B, Tq, H * D], 'float32'))).backward();
      return { y, gq: xq.grad!, gkv: xkv.grad!, copies };
    } finally {
      be.copy = copy;
    }
  };
  const got = run(fused, true);
  const want = run(composed, false);
  assertClose(got.y, want.y, 1e-5, 1e-4);
  assertClose(got.gq, want.gq, 1e-5, 1e-4);
  assertClose(got.gkv, want.gkv, 1e-5, 1e-4);
  assert.equal(got.copies, 0, 'q, k, v, the output and the gradients are read and written in place');
});

test('attention gradients: fused kernel, masks, 3-D inputs, composed fallbacks', () => {
  gradcheck((q, k, v) => ops.scaledDotProductAttention(q, k, v), [leaf([1, 2, 3, 4]), leaf([1, 2, 5, 4]), leaf([1, 2, 5, 4])]);
  gradcheck((q, k, v) => ops.scaledDotProductAttention(q, k, v, { isCausal: true }),
    [leaf([2, 1, 4, 3]), leaf([2, 1, 4, 3]), leaf([2, 1, 4, 3])]);
  const mask = bools([2, 1, 3, 3], 0.6);
  for (let i = 0; i < 6; i++) mask.data[i * 3 + 1] = 1;
  gradcheck((q, k, v) => ops.scaledDotProductAttention(q, k, v, { attnMask: mask }),
    [leaf([2, 2, 3, 4]), leaf([2, 2, 3, 4]), leaf([2, 2, 3, 4])]);
  gradcheck((q, k, v) => ops.scaledDotProductAttention(q, k, v, { isCausal: true, scale: 0.7 }),
    [leaf([2, 3, 4]), leaf([2, 3, 4]), leaf([2, 3, 4])]);
  gradcheck((q, k, v, m) => ops.scaledDotProductAttention(q, k, v, { attnMask: m }),
    [leaf([1, 2, 3, 4]), leaf([1, 2, 3, 4]), leaf([1, 2, 3, 2]), constant([3, 3])]);
  gradcheck((q, k, v) => ops.scaledDotProductAttention(q, k, v, { dropoutP: 0.2, generator: new Generator(5) }),
    [leaf([1, 1, 3, 2]), leaf([1, 1, 3, 2]), leaf([1, 1, 3, 2])]);
});

test('attention dropout in the kernels equals dropout applied to the probabilities (same draws), values and gradients', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    const tol = dtype === 'float32' ? 2e-5 : 1e-12;
    const [B, H, Tq, Tk, D] = [2, 3, 7, 9, 8];
    const mask = bools([B, 1, Tq, Tk], 0.7);
    for (let i = 0; i < B * Tq; i++) mask.data[i * Tk] = 1;
    for (const opts of [{}, { isCausal: true }, { attnMask: mask }]) {
      const base = [[B, H, Tq, D], [B, H, Tk, D], [B, H, Tk, D]].map((s) => ops.toDtype(constant(s), dtype));
      const make = () => base.map((t) => ops.clone(t).requiresGrad_());
      const [q1, k1, v1] = make();
      const [q2, k2, v2] = make();
      const fused = ops.scaledDotProductAttention(q1, k1, v1, { ...opts, dropoutP: 0.3, generator: new Generator(9) });
      const causal = 'isCausal' in opts;
      const m = 'attnMask' in opts ? opts.attnMask : null;
      let sc = ops.mul(ops.matmul(q2, ops.transpose(k2, -2, -1)), 1 / Math.sqrt(D));
      if (causal) sc = ops.where(new Tensor(new Uint8Array(Tq * Tk).map((_, i) => (i % Tk <= Math.floor(i / Tk) + Tk - Tq ? 1 : 0)), [Tq, Tk], 'bool'), sc, -Infinity);
      if (m) sc = ops.where(m, sc, -Infinity);
      const composed = ops.matmul(ops.dropout(ops.softmax(sc, -1), 0.3, true, new Generator(9)), v2);
      const what = `${dtype} ${Object.keys(opts)[0] ?? 'plain'}`;
      assertClose(fused, composed, tol, tol, what);
      const w = ops.toDtype(constant([B, H, Tq, D]), dtype);
      ops.sum(ops.mul(fused, w)).backward();
      ops.sum(ops.mul(composed, w)).backward();
      for (const [a, b, n] of [[q1, q2, 'q'], [k1, k2, 'k'], [v1, v2, 'v']] as const) assertClose(a.grad!, b.grad!, tol, tol, `${what} grad ${n}`);
    }
  }
});

test('attention checks shapes', () => {
  assert.throws(() => ops.scaledDotProductAttention(constant([1, 2, 3, 4]), constant([1, 2, 3, 5]), constant([1, 2, 3, 4])),
    /do not fit/);
  assert.throws(() => ops.scaledDotProductAttention(constant([1, 1, 3, 4]), constant([1, 1, 3, 4]), constant([1, 1, 3, 4]),
    { attnMask: bools([2, 3]) }), /cannot be broadcast/);
});

/** packedSelfAttention written with the public ops: split, heads next to the batch, attention, merge. */
function packedReference(qkv: Tensor, nh: number, causal: boolean, scale?: number): Tensor {
  const [B, T, C3] = qkv.shape;
  const C = C3 / 3;
  const [q, k, v] = ops.split(qkv, C, 2).map((z) => ops.transpose(ops.reshape(z, [B, T, nh, C / nh]), 1, 2));
  return ops.reshape(ops.transpose(reference(q, k, v, null, causal, scale), 1, 2), [B, T, C]);
}

test('packedSelfAttention matches split + attention + merge, with gradients (float64)', () => {
  const qkv = constant([2, 5, 12]);
  assertClose(ops.packedSelfAttention(qkv, 2, { isCausal: true }), packedReference(qkv, 2, true), 1e-12);
  assertClose(ops.packedSelfAttention(qkv, 2, { scale: 0.5 }), packedReference(qkv, 2, false, 0.5), 1e-12);
  gradcheck((x) => ops.packedSelfAttention(x, 2, { isCausal: true }), [leaf([2, 3, 12])]);
  // a non-contiguous input (transposed view) is read through its strides
  gradcheck((x) => ops.packedSelfAttention(ops.transpose(x, 0, 1), 3, { isCausal: true }), [leaf([4, 2, 9])]);
  // ... also when the feature dim is not contiguous (copied first)
  gradcheck((x) => ops.packedSelfAttention(ops.transpose(x, 1, 2), 3, { isCausal: true }), [leaf([2, 9, 4])]);
});

test('packedSelfAttention in float32 (native kernels) matches the composed path, values and gradients', () => {
  const gen = new Generator(7);
  const data = Float32Array.from({ length: 3 * 16 * 96 }, () => gen.random() * 2 - 1);
  const make = () => {
    const t = new Tensor(data.slice(), [3, 16, 96], 'float32');
    t.requiresGrad = true;
    return t;
  };
  const a = make();
  const b = make();
  const w = new Tensor(Float32Array.from({ length: 3 * 16 * 32 }, () => gen.random() - 0.5), [3, 16, 32], 'float32');
  const ya = ops.packedSelfAttention(a, 4, { isCausal: true });
  const yb = packedReference(b, 4, true);
  assertClose(ya, yb, 1e-5, 1e-4);
  ops.sum(ops.mul(ya, w)).backward();
  ops.sum(ops.mul(yb, w)).backward();
  assertClose(a.grad!, b.grad!, 1e-5, 1e-4);
  assert.throws(() => ops.packedSelfAttention(a, 5), /multiple of nHead/);
});

test('packedSelfAttention keeps its saved arrays across retainGraph passes and frees them after the last', () => {
  const gen = new Generator(11);
  const qkv = new Tensor(Float32Array.from({ length: 2 * 32 * 96 }, () => gen.random() * 2 - 1), [2, 32, 96], 'float32');
  qkv.requiresGrad = true;
  const loss = ops.sum(ops.mul(ops.packedSelfAttention(qkv, 4, { isCausal: true }), ops.packedSelfAttention(qkv, 2)));
  loss.backward(undefined, { retainGraph: true });
  const once = qkv.grad!.toTypedArray();
  loss.backward();
  const twice = qkv.grad!.toTypedArray();
  assertClose(twice, once.map((v) => 2 * v), 1e-5, 1e-4);
  // the freed arrays are reused by the next pass without changing its result
  qkv.grad = null;
  ops.sum(ops.mul(ops.packedSelfAttention(qkv, 4, { isCausal: true }), ops.packedSelfAttention(qkv, 2))).backward();
  assertClose(qkv.grad!, once, 1e-6, 1e-6);
});
