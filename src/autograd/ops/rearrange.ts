import { fail } from '../../errors.js';
import { normalizeDim } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { indexSelect } from './indexing.js';
import { cat } from './join.js';
import { expand, reshape, slice, type SliceSpec } from './shape.js';

/** Reverses the order of elements along each of `dims` (a copy, as torch.flip). */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  let out = x;
  for (const d of new Set((typeof dims === 'number' ? [dims] : dims).map((v) => normalizeDim(v, x.ndim, 'flip')))) {
    const n = x.shape[d];
    out = indexSelect(out, d, new Tensor(Int32Array.from({ length: n }, (_, i) => n - 1 - i), [n], 'int32'));
  }
  return out;
}

/**
 * Tiles x `sizes[i]` times along each dim (torch.Tensor.repeat); extra leading sizes add dimensions.
 * repeat([[1, 2]], 2, 2) = [[1, 2, 1, 2], [1, 2, 1, 2]].
 */
export function repeat(x: Tensor, ...sizes: (number | number[])[]): Tensor {
  const reps = sizes.flat();
  if (reps.length < x.ndim) fail('InvalidArgument', `repeat: expected at least ${x.ndim} repeat counts, got ${reps.length}`);
  if (reps.some((r) => !Number.isInteger(r) || r < 0)) fail('InvalidArgument', `repeat: invalid repeat counts [${reps.join(', ')}]`);
  const shape = [...new Array<number>(reps.length - x.ndim).fill(1), ...x.shape];
  // View as [1, s0, 1, s1, ...], broadcast to [r0, s0, r1, s1, ...], then merge each pair.
  const interleaved = reshape(x, shape.flatMap((s) => [1, s]));
  const expanded = expand(interleaved, shape.flatMap((s, i) => [reps[i], s]));
  return reshape(expanded, shape.map((s, i) => s * reps[i]));
}

/** Rotates elements along `dim` by `shift` places (elements past the end wrap around), as torch.roll. */
export function roll(x: Tensor, shift: number, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim, 'roll');
  const n = x.shape[d];
  if (n === 0) return x;
  const s = ((shift % n) + n) % n;
  if (s === 0) return x;
  const part = (start: number, stop: number) => slice(x, ...x.shape.map((_, i): SliceSpec => (i === d ? [start, stop, 1] : null)));
  return cat([part(n - s, n), part(0, n - s)], d);
}
