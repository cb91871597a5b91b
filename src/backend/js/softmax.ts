import type { FloatArray } from '../dtype.js';

export function softmax(x: FloatArray, out: FloatArray, outer: number, dim: number, inner: number, log: boolean): void {
  for (let o = 0; o < outer; o++) {
    const base = o * dim * inner;
    for (let i = 0; i < inner; i++) {
      const p0 = base + i;
      let mx = -Infinity;
      for (let d = 0, p = p0; d < dim; d++, p += inner) if (x[p] > mx) mx = x[p];
      if (mx === -Infinity) mx = 0; // a fully masked row: exp(-inf - 0) = 0, giving NaN like PyTorch
      let sum = 0;
      for (let d = 0, p = p0; d < dim; d++, p += inner) sum += Math.exp(x[p] - mx);
      if (log) {
        const lse = mx + Math.log(sum);
        for (let d = 0, p = p0; d < dim; d++, p += inner) out[p] = x[p] - lse;
      } else {
        const inv = 1 / sum;
        for (let d = 0, p = p0; d < dim; d++, p += inner) out[p] = Math.exp(x[p] - mx) * inv;
      }
    }
  }
}

export function softmaxBackward(y: FloatArray, gy: FloatArray, gx: FloatArray, outer: number, dim: number,
  inner: number, log: boolean): void {
  for (let o = 0; o < outer; o++) {
    const base = o * dim * inner;
    for (let i = 0; i < inner; i++) {
      const p0 = base + i;
      let s = 0;
      if (log) {
        for (let d = 0, p = p0; d < dim; d++, p += inner) s += gy[p];
        for (let d = 0, p = p0; d < dim; d++, p += inner) gx[p] = gy[p] - Math.exp(y[p]) * s;
      } else {
        for (let d = 0, p = p0; d < dim; d++, p += inner) s += gy[p] * y[p];
        for (let d = 0, p = p0; d < dim; d++, p += inner) gx[p] = y[p] * (gy[p] - s);
      }
    }
  }
}
