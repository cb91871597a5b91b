import type { FloatArray } from '../dtype.js';

export function layerNorm(x: FloatArray, w: FloatArray | null, b: FloatArray | null, y: FloatArray, mean: FloatArray,
  rstd: FloatArray, rows: number, cols: number, eps: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let m = 0;
    for (let j = 0; j < cols; j++) m += x[o + j];
    m /= cols;
    let v = 0;
    for (let j = 0; j < cols; j++) {
      const d = x[o + j] - m;
      v += d * d;
    }
    const rs = 1 / Math.sqrt(v / cols + eps);
    mean[r] = m;
    rstd[r] = rs;
    for (let j = 0; j < cols; j++) {
      const xh = (x[o + j] - m) * rs;
      y[o + j] = (w ? xh * w[j] : xh) + (b ? b[j] : 0);
    }
  }
}

export function layerNormBackward(x: FloatArray, w: FloatArray | null, mean: FloatArray, rstd: FloatArray,
  gy: FloatArray, gx: FloatArray, gw: FloatArray | null, gb: FloatArray | null, rows: number, cols: number,
  accumulate = false): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const m = mean[r];
    const rs = rstd[r];
    let sumG = 0;
    let sumGX = 0;
    for (let j = 0; j < cols; j++) {
      const xh = (x[o + j] - m) * rs;
      const g = gy[o + j] * (w ? w[j] : 1);
      sumG += g;
      sumGX += g * xh;
      if (gw) gw[j] += gy[o + j] * xh;
      if (gb) gb[j] += gy[o + j];
    }
    sumG /= cols;
    sumGX /= cols;
    for (let j = 0; j < cols; j++) {
      const xh = (x[o + j] - m) * rs;
      const g = gy[o + j] * (w ? w[j] : 1);
      const d = rs * (g - sumG - xh * sumGX);
      gx[o + j] = accumulate ? gx[o + j] + d : d;
    }
  }
}
