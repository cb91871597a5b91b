import type { FloatArray } from '../dtype.js';
import { contiguousHeads } from '../js/attention.js';
import { jsBackend } from '../js/index.js';
import type {
  AdamArgs, AdamListArgs, AttentionArgs, AttentionBackwardArgs, Backend, CrossEntropyArgs, HeadLayout, ReduceOp,
} from '../types.js';
import type { NativeAddon } from './addon.js';
import { MAX_ARRAYS_PER_CALL } from './elementwise.js';

/** Below this many elements a row-wise kernel runs in js (the call into the addon would dominate). */
const MIN_ELEMENTS = 64;

/** prod runs in js. */
const REDUCE_CODE: Partial<Record<ReduceOp, number>> = { sum: 0, max: 1, min: 2 };

const f32 = (x: unknown): x is Float32Array => x instanceof Float32Array;
const f32OrNull = (x: unknown): x is Float32Array | null => x === null || x instanceof Float32Array;

/** Whether adamUpdate runs this tensor in the addon (float32 and big enough to pay for the call). */
function adamRunsNative(p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray): boolean {
  return f32(p) && f32(g) && f32(m) && f32(v) && p.length >= MIN_ELEMENTS;
}

/** Attention operand layouts as the addon takes them: offset, batch, head, row per operand. */
function flatLayouts(ls: HeadLayout[]): Float64Array {
  const out = new Float64Array(4 * ls.length);
  ls.forEach((l, i) => out.set([l.offset, l.batch, l.head, l.row], 4 * i));
  return out;
}

export function nativeNn(addon: NativeAddon): Pick<Backend, 'reduce' | 'softmax' | 'softmaxBackward' | 'layerNorm' |
  'layerNormBackward' | 'embedding' | 'embeddingBackward' | 'crossEntropy' | 'adamUpdate' | 'adamUpdateList' | 'attention' |
  'attentionBackward'> {
  /** All tensors of `a` in one addon call; each must pass adamRunsNative. */
  function adamListNative(a: AdamListArgs): void {
    const per = MAX_ARRAYS_PER_CALL / 4;
    for (let i = 0; i < a.params.length; i += per) {
      const part = (l: readonly FloatArray[]) => (i === 0 && l.length <= per ? l : l.slice(i, i + per)) as Float32Array[];
      addon.adamList(a.lr, a.beta1, a.beta2, a.eps, a.weightDecay, a.step, a.decoupled, ...part(a.params),
        ...part(a.grads), ...part(a.ms), ...part(a.vs));
    }
  }
  return {
    reduce(op: ReduceOp, x: FloatArray, out: FloatArray, outer: number, dim: number, inner: number,
      indices: Int32Array | null): void {
      const code = REDUCE_CODE[op];
      if (code === undefined || !f32(x) || !f32(out) || outer * dim * inner < MIN_ELEMENTS) {
        jsBackend.reduce(op, x, out, outer, dim, inner, indices);
        return;
      }
      addon.reduce(code, x, out, outer, dim, inner, indices);
    },
    softmax(x: FloatArray, out: FloatArray, outer: number, dim: number, inner: number, log: boolean): void {
      if (inner !== 1 || !f32(x) || !f32(out) || outer * dim < MIN_ELEMENTS) {
        jsBackend.softmax(x, out, outer, dim, inner, log);
        return;
      }
      addon.softmax(x, out, outer, dim, log);
    },
    softmaxBackward(y: FloatArray, gy: FloatArray, gx: FloatArray, outer: number, dim: number, inner: number,
      log: boolean): void {
      if (inner !== 1 || !f32(y) || !f32(gy) || !f32(gx) || outer * dim < MIN_ELEMENTS) {
        jsBackend.softmaxBackward(y, gy, gx, outer, dim, inner, log);
        return;
      }
      addon.softmaxBackward(y, gy, gx, outer, dim, log);
    },
    layerNorm(x, w, b, y, mean, rstd, rows, cols, eps): void {
      if (!f32(x) || !f32OrNull(w) || !f32OrNull(b) || !f32(y) || !f32(mean) || !f32(rstd) || cols < 1 ||
        rows * cols < MIN_ELEMENTS) {
        jsBackend.layerNorm(x, w, b, y, mean, rstd, rows, cols, eps);
        return;
      }
      addon.layerNorm(x, w, b, y, mean, rstd, rows, cols, eps);
    },
    layerNormBackward(x, w, mean, rstd, gy, gx, gw, gb, rows, cols, accumulate = false): void {
      if (!f32(x) || !f32OrNull(w) || !f32(mean) || !f32(rstd) || !f32(gy) || !f32(gx) || !f32OrNull(gw) ||
        !f32OrNull(gb) || cols < 1 || rows * cols < MIN_ELEMENTS) {
        jsBackend.layerNormBackward(x, w, mean, rstd, gy, gx, gw, gb, rows, cols, accumulate);
        return;
      }
      addon.layerNormBackward(x, w, mean, rstd, gy, gx, gw, gb, rows, cols, accumulate);
    },
    embedding(ids, weight, out, n, dim): void {
      if (!f32(weight) || !f32(out) || dim < 1) jsBackend.embedding(ids, weight, out, n, dim);
      else addon.embedding(ids, weight, out, n, dim);
    },
    embeddingBackward(ids, gy, gw, n, dim, paddingIdx): void {
      if (!f32(gy) || !f32(gw) || dim < 1 || n * dim < MIN_ELEMENTS) {
        jsBackend.embeddingBackward(ids, gy, gw, n, dim, paddingIdx);
      } else {
        addon.embeddingBackward(ids, gy, gw, n, dim, paddingIdx);
      }
    },
    crossEntropy(a: CrossEntropyArgs): void {
      if (!f32(a.logits) || !f32(a.losses) || !f32OrNull(a.gradLogits) || a.classes < 1) {
        jsBackend.crossEntropy(a);
        return;
      }
      addon.crossEntropy(a.logits, a.targets, a.rows, a.classes, a.ignoreIndex, a.labelSmoothing, a.losses,
        a.gradLogits);
    },
    adamUpdate(a: AdamArgs): void {
      if (!adamRunsNative(a.param, a.grad, a.m, a.v)) {
        jsBackend.adamUpdate(a);
        return;
      }
      addon.adam(a.param as Float32Array, a.grad as Float32Array, a.m as Float32Array, a.v as Float32Array, a.lr,
        a.beta1, a.beta2, a.eps, a.weightDecay, a.step, a.decoupled);
    },
    adamUpdateList(a: AdamListArgs): void {
      const { params, grads, ms, vs } = a;
      let all = true;
      for (let t = 0; t < params.length && all; t++) all = adamRunsNative(params[t], grads[t], ms[t], vs[t]);
      if (all) {
        adamListNative(a);
        return;
      }
      // Tensors adamUpdate would run in js go to the js kernel, the others to the addon, one list each.
      const native = { ...a, params: [] as FloatArray[], grads: [] as FloatArray[], ms: [] as FloatArray[], vs: [] as FloatArray[] };
      const js = { ...a, params: [] as FloatArray[], grads: [] as FloatArray[], ms: [] as FloatArray[], vs: [] as FloatArray[] };
      for (let t = 0; t < params.length; t++) {
        const to = adamRunsNative(params[t], grads[t], ms[t], vs[t]) ? native : js;
        to.params.push(params[t]);
        to.grads.push(grads[t]);
        to.ms.push(ms[t]);
        to.vs.push(vs[t]);
      }
      jsBackend.adamUpdateList(js);
      if (native.params.length > 0) adamListNative(native);
    },
    attention(a: AttentionArgs): void {
      if (!f32(a.q) || !f32(a.k) || !f32(a.v) || !f32(a.out) || !f32OrNull(a.probs)) {
        jsBackend.attention(a);
        return;
      }
      const { heads: H, tq, tk, headDim: D } = a;
      const l = a.layouts;
      const layouts = flatLayouts(l ? [l.q, l.k, l.v, l.out]
        : [contiguousHeads(H, tq, D), contiguousHeads(H, tk, D), contiguousHeads(H, tk, D), contiguousHeads(H, tq, D)]);
      addon.attention(a.q, a.k, a.v, a.out, a.batch, H, tq, tk, D, a.scale, a.causal, a.mask,
        a.maskStrideB, a.maskStrideH, a.probs, layouts, a.dropout?.p ?? 0, a.dropout?.seed0 ?? 0, a.dropout?.seed1 ?? 0);
    },
    attentionBackward(a: AttentionBackwardArgs): void {
      if (!f32(a.q) || !f32(a.k) || !f32(a.v) || !f32(a.probs) || !f32(a.gradOut) || !f32(a.gradQ) || !f32(a.gradK) ||
        !f32(a.gradV)) {
        jsBackend.attentionBackward(a);
        return;
      }
      const { heads: H, tq, tk, headDim: D } = a;
      const l = a.layouts;
      const [lq, lk] = [contiguousHeads(H, tq, D), contiguousHeads(H, tk, D)];
      const layouts = flatLayouts(l ? [l.q, l.k, l.v, l.gradOut, l.gradQ, l.gradK, l.gradV] : [lq, lk, lk, lq, lq, lk, lk]);
      addon.attentionBackward(a.q, a.k, a.v, a.probs, a.gradOut, a.gradQ, a.gradK, a.gradV, a.batch, H, tq,
        tk, D, a.scale, a.causal ?? false, layouts, a.dropout?.p ?? 0, a.dropout?.seed0 ?? 0, a.dropout?.seed1 ?? 0);
    },
  };
}
