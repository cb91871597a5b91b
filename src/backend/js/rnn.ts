import type { FloatArray } from '../dtype.js';

/*
 * Fused pointwise steps of the recurrent layers. B = batch rows, H = hidden size; every array is a
 * contiguous [B, k·H] block starting at index 0. Gate order is PyTorch's: LSTM (i, f, g, o), GRU (r, z, n).
 */

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** tanh through one exp (V8's Math.tanh costs several times more); exact to a few ulps. */
function tanh(x: number): number {
  return 1 - 2 / (Math.exp(2 * x) + 1);
}

/**
 * LSTM step. gates [B, 4H]: pre-activations in, activations (i, f, g, o) out (kept for backward).
 * c = f·cPrev + i·g, h = o·tanh(c); c, h [B, H].
 */
export function lstmCellForward(gates: FloatArray, cPrev: FloatArray, c: FloatArray, h: FloatArray,
  batch: number, hidden: number): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const g0 = b * 4 * H;
    const s0 = b * H;
    for (let j = 0; j < H; j++) {
      const i = sigmoid(gates[g0 + j]);
      const f = sigmoid(gates[g0 + H + j]);
      const g = tanh(gates[g0 + 2 * H + j]);
      const o = sigmoid(gates[g0 + 3 * H + j]);
      gates[g0 + j] = i;
      gates[g0 + H + j] = f;
      gates[g0 + 2 * H + j] = g;
      gates[g0 + 3 * H + j] = o;
      const cv = f * cPrev[s0 + j] + i * g;
      c[s0 + j] = cv;
      h[s0 + j] = o * tanh(cv);
    }
  }
}

/**
 * LSTM step backward. gates [B, 4H] holds the forward's activations; gh = dL/dh, gc = dL/dc (from the
 * next step). Writes gGates [B, 4H] = dL/d(pre-activations) and gcPrev = dL/dcPrev (gcPrev may be gc).
 */
export function lstmCellBackward(gates: FloatArray, cPrev: FloatArray, c: FloatArray, gh: FloatArray, gc: FloatArray,
  gGates: FloatArray, gcPrev: FloatArray, batch: number, hidden: number): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const g0 = b * 4 * H;
    const s0 = b * H;
    for (let j = 0; j < H; j++) {
      const i = gates[g0 + j];
      const f = gates[g0 + H + j];
      const g = gates[g0 + 2 * H + j];
      const o = gates[g0 + 3 * H + j];
      const tc = tanh(c[s0 + j]);
      const dh = gh[s0 + j];
      const dc = gc[s0 + j] + dh * o * (1 - tc * tc);
      gGates[g0 + j] = dc * g * i * (1 - i);
      gGates[g0 + H + j] = dc * cPrev[s0 + j] * f * (1 - f);
      gGates[g0 + 2 * H + j] = dc * i * (1 - g * g);
      gGates[g0 + 3 * H + j] = dh * tc * o * (1 - o);
      gcPrev[s0 + j] = dc * f;
    }
  }
}

/**
 * GRU step. gi [B, 3H]: the input part x·W_ihᵀ + b_ih, overwritten with the activations (r, z, n);
 * gh [B, 3H]: the hidden part h·W_hhᵀ + b_hh (read only). r = σ(gi_r + gh_r), z = σ(gi_z + gh_z),
 * n = tanh(gi_n + r·gh_n), h = (1 - z)·n + z·hPrev.
 */
export function gruCellForward(gi: FloatArray, gh: FloatArray, hPrev: FloatArray, h: FloatArray,
  batch: number, hidden: number): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const g0 = b * 3 * H;
    const s0 = b * H;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(gi[g0 + j] + gh[g0 + j]);
      const z = sigmoid(gi[g0 + H + j] + gh[g0 + H + j]);
      const n = tanh(gi[g0 + 2 * H + j] + r * gh[g0 + 2 * H + j]);
      gi[g0 + j] = r;
      gi[g0 + H + j] = z;
      gi[g0 + 2 * H + j] = n;
      h[s0 + j] = (1 - z) * n + z * hPrev[s0 + j];
    }
  }
}

/**
 * GRU step backward from gOut = dL/dh. gates holds (r, z, n); gh the hidden part of the forward.
 * Writes gGi = dL/d(input part), gGh = dL/d(hidden part), both [B, 3H], and gHPrev = the direct
 * z·gOut term of dL/dhPrev (the W_hh term is the caller's GEMM of gGh).
 */
export function gruCellBackward(gates: FloatArray, gh: FloatArray, hPrev: FloatArray, gOut: FloatArray,
  gGi: FloatArray, gGh: FloatArray, gHPrev: FloatArray, batch: number, hidden: number): void {
  const H = hidden;
  for (let b = 0; b < batch; b++) {
    const g0 = b * 3 * H;
    const s0 = b * H;
    for (let j = 0; j < H; j++) {
      const r = gates[g0 + j];
      const z = gates[g0 + H + j];
      const n = gates[g0 + 2 * H + j];
      const dh = gOut[s0 + j];
      const dnPre = dh * (1 - z) * (1 - n * n);
      const dzPre = dh * (hPrev[s0 + j] - n) * z * (1 - z);
      const drPre = dnPre * gh[g0 + 2 * H + j] * r * (1 - r);
      gGi[g0 + j] = drPre;
      gGi[g0 + H + j] = dzPre;
      gGi[g0 + 2 * H + j] = dnPre;
      gGh[g0 + j] = drPre;
      gGh[g0 + H + j] = dzPre;
      gGh[g0 + 2 * H + j] = dnPre * r;
      gHPrev[s0 + j] = dh * z;
    }
  }
}
