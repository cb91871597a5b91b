import { defaultGenerator, type Generator } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { uniform_ } from '../init.js';

/** PyG's glorot init: U(-a, a) with a = √(6 / (size(-2) + size(-1))), for any number of dims. */
export function glorot_(t: Tensor, generator: Generator = defaultGenerator): Tensor {
  const a = Math.sqrt(6 / (t.shape[t.ndim - 2] + t.shape[t.ndim - 1]));
  return uniform_(t, -a, a, generator);
}
