import type { AnyArray, FloatArray } from '../dtype.js';

export function embedding(ids: Int32Array, weight: FloatArray, out: FloatArray, n: number, dim: number): void {
  for (let i = 0; i < n; i++) {
    const src = ids[i] * dim;
    out.set(weight.subarray(src, src + dim) as never, i * dim);
  }
}

export function embeddingBackward(ids: Int32Array, gy: FloatArray, gw: FloatArray, n: number, dim: number,
  paddingIdx: number): void {
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    if (id === paddingIdx) continue;
    const dst = id * dim;
    const src = i * dim;
    for (let j = 0; j < dim; j++) gw[dst + j] += gy[src + j];
  }
}

export function gather(x: AnyArray, idx: Int32Array, out: AnyArray, outer: number, dim: number, m: number,
  inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < inner; i++) {
        const q = (o * m + j) * inner + i;
        out[q] = x[(o * dim + idx[q]) * inner + i];
      }
    }
  }
}

export function scatterAdd(g: FloatArray, idx: Int32Array, gx: FloatArray, outer: number, dim: number, m: number,
  inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < m; j++) {
      for (let i = 0; i < inner; i++) {
        const q = (o * m + j) * inner + i;
        gx[(o * dim + idx[q]) * inner + i] += g[q];
      }
    }
  }
}
