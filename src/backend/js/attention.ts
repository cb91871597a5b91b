import type { AttentionArgs, AttentionBackwardArgs } from '../types.js';

/** softmax(q·kᵀ·scale + mask)·v per (batch, head); masked positions get probability 0. */
export function attention(a: AttentionArgs): void {
  const { q, k, v, out, batch, heads, tq, tk, headDim: D, scale, causal, mask, probs } = a;
  const row = new Float64Array(tk);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const bh = b * heads + h;
      const qo = bh * tq * D;
      const ko = bh * tk * D;
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
          for (let d = 0; d < D; d++) s += q[qo + i * D + d] * k[ko + j * D + d];
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
        const oo = qo + i * D;
        for (let d = 0; d < D; d++) out[oo + d] = 0;
        for (let j = 0; j < tk; j++) {
          const p = row[j] * inv;
          if (probs) probs[(bh * tq + i) * tk + j] = p;
          if (p === 0) continue;
          for (let d = 0; d < D; d++) out[oo + d] += p * v[ko + j * D + d];
        }
      }
    }
  }
}

export function attentionBackward(a: AttentionBackwardArgs): void {
  const { q, k, v, probs, gradOut, gradQ, gradK, gradV, batch, heads, tq, tk, headDim: D, scale } = a;
  const dp = new Float64Array(tk);
  gradQ.fill(0);
  gradK.fill(0);
  gradV.fill(0);
  for (let bh = 0; bh < batch * heads; bh++) {
    const qo = bh * tq * D;
    const ko = bh * tk * D;
    for (let i = 0; i < tq; i++) {
      const po = (bh * tq + i) * tk;
      const go = qo + i * D;
      let dot = 0;
      for (let j = 0; j < tk; j++) {
        const p = probs[po + j];
        let s = 0;
        for (let d = 0; d < D; d++) {
          s += gradOut[go + d] * v[ko + j * D + d];
          gradV[ko + j * D + d] += p * gradOut[go + d];
        }
        dp[j] = s;
        dot += p * s;
      }
      for (let j = 0; j < tk; j++) {
        const ds = probs[po + j] * (dp[j] - dot) * scale;
        if (ds === 0) continue;
        for (let d = 0; d < D; d++) {
          gradQ[go + d] += ds * k[ko + j * D + d];
          gradK[ko + j * D + d] += ds * q[go + d];
        }
      }
    }
  }
}
