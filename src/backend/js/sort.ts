import type { FloatArray } from '../dtype.js';

/** NaN sorts above every number, as in PyTorch. */
function greater(a: number, b: number): boolean {
  if (a !== a) return b === b;
  return a > b;
}

export function topk(x: FloatArray, values: FloatArray, indices: Int32Array, outer: number, dim: number,
  inner: number, k: number, largest: boolean): void {
  const order = new Array<number>(dim);
  const col = new Float64Array(dim);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * dim * inner + i;
      for (let d = 0; d < dim; d++) {
        col[d] = x[base + d * inner];
        order[d] = d;
      }
      order.sort((p, q) => {
        const a = col[p];
        const b = col[q];
        if (largest ? greater(a, b) : greater(b, a)) return -1;
        if (largest ? greater(b, a) : greater(a, b)) return 1;
        return p - q;
      });
      const ob = o * k * inner + i;
      for (let j = 0; j < k; j++) {
        values[ob + j * inner] = col[order[j]];
        indices[ob + j * inner] = order[j];
      }
    }
  }
}
