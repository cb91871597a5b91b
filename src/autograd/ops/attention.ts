import { backendFor } from '../../backend/index.js';
import { fail } from '../../errors.js';
import type { AttentionDropout, HeadLayout } from '../../backend/types.js';
import type { FloatArray } from '../../tensor/dtype.js';
import type { Generator } from '../../tensor/random.js';
import { broadcastShapes } from '../../tensor/shape.js';
import { allocArray, allocFloat32Uninit } from '../../tensor/alloc.js';
import { emptyTensor, type Tensor, uninitTensor } from '../../tensor/tensor.js';
import { needsGrad, record, releaseSavedArray } from '../graph.js';
import { add, mul } from './elementwise.js';
import { maskedFill, where } from './indexing.js';
import { logicalNot } from './logical.js';
import { matmul } from './linalg.js';
import { dropout, softmax } from './nn.js';
import { expand, reshape, transpose, unsqueeze } from './shape.js';
import { castRaw, contiguousRaw, drawDropout, requireFloat } from './util.js';

export interface AttentionOptions {
  /**
   * Bool mask broadcastable to [B, H, Tq, Tk] with true where a query may attend a key (PyTorch 2's
   * convention), or a float mask added to the scores.
   */
  attnMask?: Tensor | null;
  /** Query i attends keys j <= i + Tk - Tq (aligned to the end, as a KV cache needs). */
  isCausal?: boolean;
  /** Score scale; default 1/sqrt(D). */
  scale?: number;
  /** Dropout on the attention probabilities (only when > 0). */
  dropoutP?: number;
  generator?: Generator;
}

/**
 * softmax(q·kᵀ·scale + mask)·v over q [B, H, Tq, D] (or [B, Tq, D]) and k, v [B, H, Tk, D]. Bool masks
 * and causal masking run in the backend's fused attention kernel, which saves the probabilities for
 * backward; float masks, dropout and a value dim other than D use the composed ops.
 */
export function scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, opts: AttentionOptions = {}): Tensor {
  for (const [t, name] of [[q, 'q'], [k, 'k'], [v, 'v']] as const) {
    requireFloat(t, 'scaledDotProductAttention');
    if (t.ndim !== 3 && t.ndim !== 4) {
      fail('ShapeMismatch', `scaledDotProductAttention: expected ${name} of shape [B, H, T, D] or [B, T, D], got [${t.shape.join(', ')}]`);
    }
  }
  if (k.ndim !== q.ndim || v.ndim !== q.ndim) fail('ShapeMismatch', 'scaledDotProductAttention: q, k and v need the same number of dims');
  if (q.ndim === 3) {
    const mask = opts.attnMask && opts.attnMask.ndim >= 3 ? unsqueeze(opts.attnMask, -3) : opts.attnMask;
    const out = scaledDotProductAttention(unsqueeze(q, 1), unsqueeze(k, 1), unsqueeze(v, 1), { ...opts, attnMask: mask });
    return reshape(out, [q.shape[0], q.shape[1], v.shape[2]]);
  }
  const [B, H, Tq, D] = q.shape;
  const Tk = k.shape[2];
  if (k.shape[0] !== B || k.shape[1] !== H || k.shape[3] !== D || v.shape[0] !== B || v.shape[1] !== H || v.shape[2] !== Tk) {
    fail('ShapeMismatch', `scaledDotProductAttention: q [${q.shape.join(', ')}], k [${k.shape.join(', ')}] and v [${v.shape.join(', ')}] do not fit [B, H, Tq, D], [B, H, Tk, D], [B, H, Tk, Dv]`);
  }
  const scale = opts.scale ?? 1 / Math.sqrt(D);
  const mask = opts.attnMask ?? null;
  if (mask) {
    const full = broadcastShapes(mask.shape, [B, H, Tq, Tk], 'scaledDotProductAttention');
    if (full.length !== 4 || full[0] !== B || full[1] !== H || full[2] !== Tq || full[3] !== Tk) {
      fail('ShapeMismatch', `scaledDotProductAttention: attnMask [${mask.shape.join(', ')}] does not broadcast to [${B}, ${H}, ${Tq}, ${Tk}]`);
    }
  }
  const dropoutP = opts.dropoutP ?? 0;
  if (!(dropoutP >= 0 && dropoutP <= 1)) fail('InvalidArgument', `scaledDotProductAttention: expected dropoutP in [0, 1], got ${dropoutP}`);
  if ((mask && mask.dtype !== 'bool') || dropoutP === 1 || v.shape[3] !== D) {
    return composedAttention(q, k, v, scale, mask, opts.isCausal ?? false, dropoutP, opts.generator);
  }
  // The kernels drop the probabilities as `dropout` would, from the same two draws of the generator.
  const drop = dropoutP > 0 ? drawDropout(dropoutP, opts.generator) : null;
  return fusedAttention(q, k, v, scale, mask, opts.isCausal ?? false, drop);
}

/** How the attention kernel reads a [B, H, T, D] operand in place, or null when its head dim is strided. */
function headLayoutOf(t: Tensor): HeadLayout | null {
  const [s0, s1, s2, s3] = t.strides;
  return s3 === 1 || t.shape[3] === 1 ? { offset: t.offset, batch: s0, head: s1, row: s2 } : null;
}

/** Room for the probabilities [B, H, Tq, Tk] that the forward saves for the backward (all written by the kernel). */
function savedProbs(dtype: 'float32' | 'float64', n: number): FloatArray {
  return (dtype === 'float32' ? allocFloat32Uninit(n) : allocArray(dtype, n)) as FloatArray;
}

/** [B, H, T, D] as the view of a [B, T, H, D] array (heads side by side in each row), and its layout. */
function mergedHeads(B: number, H: number, T: number, D: number): { layout: HeadLayout; view: (t: Tensor) => Tensor } {
  return {
    layout: { offset: 0, batch: T * H * D, head: D, row: H * D },
    view: (t) => t.rawView([B, H, T, D], [T * H * D, D, H * D, 1], 0),
  };
}

/**
 * The fused kernels read each operand in place when its head dim is contiguous (split projections, a KV
 * cache's strided views; others are copied first), and write the output and the gradients with the heads
 * side by side ([B, T, H, D], returned as [B, H, T, D] views), so that merging the heads back is a view.
 */
function fusedAttention(q: Tensor, k: Tensor, v: Tensor, scale: number, mask: Tensor | null, causal: boolean,
  dropout: AttentionDropout | null): Tensor {
  const [B, H, Tq, D] = q.shape;
  const Tk = k.shape[2];
  const dtype = q.dtype === 'float64' || k.dtype === 'float64' || v.dtype === 'float64' ? 'float64' : 'float32';
  const be = backendFor(dtype);
  const operand = (t: Tensor) => (t.dtype === dtype && headLayoutOf(t) ? t : contiguousRaw(castRaw(t, dtype)));
  const [qa, ka, va] = [operand(q), operand(k), operand(v)];
  const layouts = { q: headLayoutOf(qa)!, k: headLayoutOf(ka)!, v: headLayoutOf(va)! };
  const [qData, kData, vData] = [qa.data, ka.data, va.data] as FloatArray[];
  const grad = needsGrad(q, k, v);
  const maskArgs = mask ? denseMask(mask, Tq, Tk) : { mask: null, maskStrideB: 0, maskStrideH: 0 };
  const qHeads = mergedHeads(B, H, Tq, D); // the output and the gradient of q
  const y = uninitTensor([B, Tq, H, D], dtype);
  const probs = grad ? savedProbs(dtype, B * H * Tq * Tk) : null;
  be.attention({
    q: qData, k: kData, v: vData, out: y.data as FloatArray, batch: B, heads: H, tq: Tq, tk: Tk, headDim: D, scale, causal,
    ...maskArgs, probs, dropout, layouts: { ...layouts, out: qHeads.layout },
  });
  const out = qHeads.view(y);
  if (!grad || !probs) return out;
  return record(out, 'ScaledDotProductAttentionBackward', [q, k, v], (g) => {
    const go = operand(g);
    const kHeads = mergedHeads(B, H, Tk, D);
    const [gq, gk, gv] = [uninitTensor([B, Tq, H, D], dtype), uninitTensor([B, Tk, H, D], dtype), uninitTensor([B, Tk, H, D], dtype)];
    be.attentionBackward({
      q: qData, k: kData, v: vData, probs, gradOut: go.data as FloatArray,
      gradQ: gq.data as FloatArray, gradK: gk.data as FloatArray, gradV: gv.data as FloatArray,
      batch: B, heads: H, tq: Tq, tk: Tk, headDim: D, scale, causal, dropout,
      layouts: { ...layouts, gradOut: headLayoutOf(go)!, gradQ: qHeads.layout, gradK: kHeads.layout, gradV: kHeads.layout },
    });
    releaseSavedArray(probs);
    return [castRaw(qHeads.view(gq), q.dtype), castRaw(kHeads.view(gk), k.dtype), castRaw(kHeads.view(gv), v.dtype)];
  });
}

/** A bool mask materialized as [B or 1, H or 1, Tq, Tk] bytes; broadcast batch/head dims get stride 0. */
function denseMask(mask: Tensor, Tq: number, Tk: number): { mask: Uint8Array; maskStrideB: number; maskStrideH: number } {
  const m4 = reshape(mask, [...new Array<number>(4 - mask.ndim).fill(1), ...mask.shape]);
  const mb = m4.shape[0];
  const mh = m4.shape[1];
  const dense = contiguousRaw(expand(m4, [mb, mh, Tq, Tk]));
  return { mask: dense.data as Uint8Array, maskStrideB: mb === 1 ? 0 : mh * Tq * Tk, maskStrideH: mh === 1 ? 0 : Tq * Tk };
}

function composedAttention(q: Tensor, k: Tensor, v: Tensor, scale: number, mask: Tensor | null, causal: boolean,
  dropoutP: number, generator?: Generator): Tensor {
  const Tq = q.shape[2];
  const Tk = k.shape[2];
  let scores = mul(matmul(q, transpose(k, -2, -1)), scale);
  if (causal) {
    const allowed = emptyTensor([Tq, Tk], 'bool');
    for (let i = 0; i < Tq; i++) for (let j = 0; j < Tk; j++) allowed.data[i * Tk + j] = j <= i + Tk - Tq ? 1 : 0;
    scores = where(allowed, scores, -Infinity);
  }
  if (mask) scores = mask.dtype === 'bool' ? maskedFill(scores, logicalNot(mask), -Infinity) : add(scores, mask);
  let probs = softmax(scores, -1);
  if (dropoutP > 0) probs = dropout(probs, dropoutP, true, generator);
  return matmul(probs, v);
}

export interface PackedAttentionOptions {
  isCausal?: boolean;
  scale?: number;
  attnMask?: Tensor | null;
  dropoutP?: number;
  generator?: Generator;
}

/**
 * Multi-head self-attention straight from a fused query/key/value projection, as GPT-2's c_attn makes it:
 * qkv (B, T, 3C) holds [q | k | v] column blocks, each the nHead heads side by side (head size D = C / nHead);
 * the result (B, T, C) is softmax(q·kᵀ·scale)·v per head with the heads side by side again. Equal to
 * splitting qkv, moving heads next to the batch, `scaledDotProductAttention` and merging back, but each
 * direction re-arranges the data once (backward gives the (B, T, 3C) gradient directly).
 *
 * Options: `isCausal` (default false), `scale` (default 1/√D), `attnMask` (bool, true = takes part,
 * broadcastable to [B, H, T, T]), `dropoutP` on the probabilities (with `generator`), as in
 * `scaledDotProductAttention`.
 */
export function packedSelfAttention(qkv: Tensor, nHead: number, opts: PackedAttentionOptions = {}): Tensor {
  requireFloat(qkv, 'packedSelfAttention');
  const [B, T, C3] = qkv.shape;
  if (qkv.ndim !== 3 || !Number.isInteger(nHead) || nHead < 1 || C3 % (3 * nHead) !== 0) {
    fail('ShapeMismatch', `packedSelfAttention: expected qkv of shape [B, T, 3·C] with C a multiple of nHead (${nHead}), got [${qkv.shape.join(', ')}]`);
  }
  const C = C3 / 3;
  const H = nHead;
  const D = C / H;
  const scale = opts.scale ?? 1 / Math.sqrt(D);
  const causal = opts.isCausal ?? false;
  const mask = opts.attnMask ?? null;
  if (mask) {
    if (mask.dtype !== 'bool') fail('InvalidArgument', `packedSelfAttention: attnMask must be bool (true = takes part), got ${mask.dtype}`);
    const full = broadcastShapes(mask.shape, [B, H, T, T], 'packedSelfAttention');
    if (full.length !== 4 || full[0] !== B || full[1] !== H || full[2] !== T || full[3] !== T) {
      fail('ShapeMismatch', `packedSelfAttention: attnMask [${mask.shape.join(', ')}] does not broadcast to [${B}, ${H}, ${T}, ${T}]`);
    }
  }
  const maskArgs = mask ? denseMask(mask, T, T) : { mask: null, maskStrideB: 0, maskStrideH: 0 };
  const dropoutP = opts.dropoutP ?? 0;
  if (!(dropoutP >= 0 && dropoutP < 1)) fail('InvalidArgument', `packedSelfAttention: expected dropoutP in [0, 1), got ${dropoutP}`);
  const dropout = dropoutP > 0 ? drawDropout(dropoutP, opts.generator) : null;
  const dtype = qkv.dtype as 'float32' | 'float64';
  const be = backendFor(dtype);
  // The kernels read q, k and v in place (the head dim must be contiguous) and write (B, T, C) directly.
  const src = qkv.strides[2] === 1 ? qkv : contiguousRaw(qkv);
  const [s0, s1] = src.strides;
  const at = (which: number): HeadLayout => ({ offset: src.offset + which * C, batch: s0, head: D, row: s1 });
  const grad = needsGrad(qkv);
  const probs = grad ? savedProbs(dtype, B * H * T * T) : null;
  const y = uninitTensor([B, T, C], dtype);
  const data = src.data as FloatArray;
  be.attention({
    q: data, k: data, v: data, out: y.data as FloatArray, batch: B, heads: H, tq: T, tk: T, headDim: D, scale, causal,
    ...maskArgs, probs, layouts: { q: at(0), k: at(1), v: at(2), out: mergedHeads(B, H, T, D).layout }, dropout,
  });
  if (!grad || !probs) return y;
  return record(y, 'PackedSelfAttentionBackward', [qkv], (g) => {
    const go = g.strides[2] === 1 ? g : contiguousRaw(g);
    const gqkv = uninitTensor([B, T, C3], dtype);
    const gdata = gqkv.data as FloatArray;
    const into = (which: number): HeadLayout => ({ offset: which * C, batch: T * C3, head: D, row: C3 });
    be.attentionBackward({
      q: data, k: data, v: data, probs, gradOut: go.data as FloatArray, gradQ: gdata, gradK: gdata, gradV: gdata,
      batch: B, heads: H, tq: T, tk: T, headDim: D, scale, causal, dropout,
      layouts: {
        q: at(0), k: at(1), v: at(2), gradOut: { offset: go.offset, batch: go.strides[0], head: D, row: go.strides[1] },
        gradQ: into(0), gradK: into(1), gradV: into(2),
      },
    });
    releaseSavedArray(probs);
    return [gqkv];
  });
}
