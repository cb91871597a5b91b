import assert from 'node:assert/strict';
import type { Tensor } from '../tensor/tensor.js';

/** Largest |a - b| over two arrays, and whether every pair is within atol + rtol·|b|. */
export function compareArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number): { ok: boolean; maxErr: number } {
  if (actual.length !== expected.length) return { ok: false, maxErr: Infinity };
  let ok = true;
  let maxErr = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(a) && Number.isNaN(e)) continue;
    if (a === e) continue;
    const err = Math.abs(a - e);
    if (!(err <= atol + rtol * Math.abs(e))) ok = false;
    if (!(err <= maxErr)) maxErr = err;
  }
  return { ok, maxErr };
}

export function assertClose(actual: Tensor | ArrayLike<number>, expected: Tensor | ArrayLike<number>, atol = 1e-5, rtol = 1e-5, what = 'values'): void {
  const a = 'dense' in actual ? Array.from(actual.dense()) : Array.from(actual);
  const e = 'dense' in expected ? Array.from(expected.dense()) : Array.from(expected);
  if ('shape' in actual && 'shape' in expected) {
    assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  }
  const { ok, maxErr } = compareArrays(a, e, atol, rtol);
  assert.ok(ok, `${what}: max error ${maxErr} exceeds atol ${atol} + rtol ${rtol}`);
}
