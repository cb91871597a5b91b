import type { AttentionArgs, AttentionBackwardArgs, AttentionDropout, HeadLayout } from '../types.js';
import { dropoutDraw, dropoutThreshold } from './dropout.js';

/** The layout of a contiguous [B, H, T, D] operand. */
export function contiguousHeads(heads: number, t: number, d: number): HeadLayout {
  return { offset: 0, batch: heads * t * d, head: t * d, row: d };
}

/** Index of element (b, h, 0, 0) of an operand laid out as `l`. */
const headStart = (l: HeadLayout, b: number, h: number): number => l.offset + b * l.batch + h * l.head;

/** The factor dropout applies to element `index` of P: 0 or 1 / (1 - p); 1 without dropout. */
function dropoutFactor(d: AttentionDropout | null | undefined): (index: number) => number {
  if (!d) return () => 1;
  const threshold = dropoutThreshold(d.p);
  const keep = 1 / (1 - d.p);
  return (index) => (dropoutDraw(index, d.seed0, d.seed1) < threshold ? 0 : keep);
}

/** softmax(q·kᵀ·scale + mask)·v per (batch, head); masked positions get probability 0. */
export function attention(a: AttentionArgs): void {
  const { q, k, v, out, batch, heads, tq, tk, headDim: D, scale, causal, mask, probs } = a;
  const lq = a.layouts?.q ?? contiguousHeads(heads, tq, D);
  const lk = a.layouts?.k ?? contiguousHeads(heads, tk, D);
  const lv = a.layouts?.v ?? contiguousHeads(heads, tk, D);
  const lo = a.layouts?.out ?? contiguousHeads(heads, tq, D);
  const row = new Float64Array(tk);
  const factor = dropoutFactor(a.dropout);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const bh = b * heads + h;
      const qo = headStart(lq, b, h);
      const ko = headStart(lk, b, h);
      const vo = headStart(lv, b, h);
      const mo = mask ? b * a.maskStrideB + h * a.maskStrideH : 0;
      for (let i = 0; i < tq; i++) {
        let mx = -Infinity;
        for (let j = 0; j < tk; j++) {
          const allowed = (!causal || j <= i + tk - tq) && (!mask || mask[mo + i * tk + j] !== 0);
          if (!allowed) {
            row[j] = -Infinity;
            continue;
          }
          let s = 0;
          for (let d = 0; d < D; d++) s += q[qo + i * lq.row + d] * k[ko + j * lk.row + d];
          s *= scale;
          row[j] = s;
          if (s > mx) mx = s;
        }
        let sum = 0;
        for (let j = 0; j < tk; j++) {
          const e = row[j] === -Infinity ? 0 : Math.exp(row[j] - mx);
          row[j] = e;
          sum += e;
        }
        const inv = sum > 0 ? 1 / sum : NaN;
        const oo = headStart(lo, b, h) + i * lo.row;
        for (let d = 0; d < D; d++) out[oo + d] = 0;
        for (let j = 0; j < tk; j++) {
          const p = row[j] * inv;
          if (probs) probs[(bh * tq + i) * tk + j] = p;
          if (p === 0) continue;
          const pd = p * factor((bh * tq + i) * tk + j);
          for (let d = 0; d < D; d++) out[oo + d] += pd * v[vo + j * lv.row + d];
        }
      }
    }
  }
}

export function attentionBackward(a: AttentionBackwardArgs): void {
  const { q, k, v, probs, gradOut, gradQ, gradK, gradV, batch, heads, tq, tk, headDim: D, scale } = a;
  const l = a.layouts;
  const lq = l?.q ?? contiguousHeads(heads, tq, D);
  const lk = l?.k ?? contiguousHeads(heads, tk, D);
  const lv = l?.v ?? contiguousHeads(heads, tk, D);
  const lgo = l?.gradOut ?? contiguousHeads(heads, tq, D);
  const lgq = l?.gradQ ?? contiguousHeads(heads, tq, D);
  const lgk = l?.gradK ?? contiguousHeads(heads, tk, D);
  const lgv = l?.gradV ?? contiguousHeads(heads, tk, D);
  const dp = new Float64Array(tk);
  const factor = dropoutFactor(a.dropout);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const bh = b * heads + h;
      const [qo, ko, vo, goo] = [lq, lk, lv, lgo].map((x) => headStart(x, b, h));
      const [gqo, gko, gvo] = [lgq, lgk, lgv].map((x) => headStart(x, b, h));
      for (let i = 0; i < tq; i++) for (let d = 0; d < D; d++) gradQ[gqo + i * lgq.row + d] = 0;
      for (let j = 0; j < tk; j++) {
        for (let d = 0; d < D; d++) {
          gradK[gko + j * lgk.row + d] = 0;
          gradV[gvo + j * lgv.row + d] = 0;
        }
      }
      for (let i = 0; i < tq; i++) {
        const po = (bh * tq + i) * tk;
        const go = goo + i * lgo.row;
        let dot = 0;
        for (let j = 0; j < tk; j++) {
          const p = probs[po + j];
          const f = factor(po + j);
          let s = 0;
          for (let d = 0; d < D; d++) {
            s += gradOut[go + d] * v[vo + j * lv.row + d];
            gradV[gvo + j * lgv.row + d] += p * f * gradOut[go + d];
          }
          dp[j] = s * f;
          dot += p * dp[j];
        }
        for (let j = 0; j < tk; j++) {
          const ds = probs[po + j] * (dp[j] - dot) * scale;
          if (ds === 0) continue;
          for (let d = 0; d < D; d++) {
            gradQ[gqo + i * lgq.row + d] += ds * k[ko + j * lk.row + d];
            gradK[gko + j * lgk.row + d] += ds * q[qo + i * lq.row + d];
          }
        }
      }
    }
  }
}
