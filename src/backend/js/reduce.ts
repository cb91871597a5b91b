import type { FloatArray } from '../dtype.js';
import type { ReduceOp } from '../types.js';

export function reduce(op: ReduceOp, x: FloatArray, out: FloatArray, outer: number, dim: number, inner: number,
  indices: Int32Array | null): void {
  for (let o = 0; o < outer; o++) {
    const base = o * dim * inner;
    for (let i = 0; i < inner; i++) {
      let p = base + i;
      if (op === 'sum' || op === 'prod') {
        let acc = op === 'sum' ? 0 : 1;
        for (let d = 0; d < dim; d++, p += inner) acc = op === 'sum' ? acc + x[p] : acc * x[p];
        out[o * inner + i] = acc;
      } else {
        let best = x[p];
        let arg = 0;
        for (let d = 1; d < dim; d++) {
          p += inner;
          const v = x[p];
          if (best !== best) break; // NaN propagates, as in PyTorch
          if (v !== v || (op === 'max' ? v > best : v < best)) {
            best = v;
            arg = d;
          }
        }
        out[o * inner + i] = best;
        if (indices) indices[o * inner + i] = arg;
      }
    }
  }
}

export function cumsum(x: FloatArray, out: FloatArray, outer: number, dim: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    const base = o * dim * inner;
    for (let i = 0; i < inner; i++) {
      let acc = 0;
      for (let d = 0, p = base + i; d < dim; d++, p += inner) {
        acc += x[p];
        out[p] = acc;
      }
    }
  }
}
