/** Helpers for the op gradient tests (float64 inputs on the js backend). */
import { Generator } from '../../tensor/random.js';
import { Tensor } from '../../tensor/tensor.js';
import '../methods.js';

let gen = new Generator(1234);

export function reseed(seed: number): void {
  gen = new Generator(seed);
}

/** A float64 leaf requiring a gradient, with values in [lo, hi). */
export function leaf(shape: number[], lo = -1, hi = 1): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float64Array(n).map(() => lo + (hi - lo) * gen.random());
  const t = new Tensor(data, shape.slice(), 'float64');
  t.requiresGrad = true;
  return t;
}

/** A float64 leaf of `shape` that is a transposed (non-contiguous) view of its storage. */
export function leafT(shape: number[], lo = -1, hi = 1): Tensor {
  const n = shape.length;
  const swapped = shape.slice();
  [swapped[n - 2], swapped[n - 1]] = [swapped[n - 1], swapped[n - 2]];
  const base = leaf(swapped, lo, hi);
  base.requiresGrad = false;
  const view = base.transpose(-2, -1);
  view.requiresGrad = true;
  return view;
}

/** A constant tensor (no gradient). */
export function constant(shape: number[], lo = -1, hi = 1): Tensor {
  const t = leaf(shape, lo, hi);
  t.requiresGrad = false;
  return t;
}

export function ints(shape: number[], high: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(new Int32Array(n).map(() => gen.randint(0, high)), shape.slice(), 'int32');
}

export function bools(shape: number[], pTrue = 0.5): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(new Uint8Array(n).map(() => (gen.random() < pTrue ? 1 : 0)), shape.slice(), 'bool');
}
