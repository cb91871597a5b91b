import { fail } from '../errors.js';
import { isFloat } from '../tensor/dtype.js';
import type { Generator } from '../tensor/random.js';
import { allocFloat32Resident } from '../tensor/alloc.js';
import { numel } from '../tensor/shape.js';
import { emptyTensor, Tensor } from '../tensor/tensor.js';

/**
 * A Tensor that a Module owns as a learnable weight (like torch.nn.Parameter): a leaf that requires a
 * gradient. It shares `data` with the tensor it wraps; optimizers update that storage in place.
 */
export class Parameter extends Tensor {
  constructor(t: Tensor, requiresGrad = true) {
    if (!isFloat(t.dtype)) fail('DTypeMismatch', `Parameter: expected a float tensor, got ${t.dtype}`);
    const c = t.isContiguous() && t.offset === 0 && t.data.length === t.size ? t : new Tensor(t.toTypedArray(), t.shape.slice(), t.dtype);
    super(c.data, c.shape.slice(), c.dtype);
    this.requiresGrad = requiresGrad;
  }
}

/** Options every layer takes: the parameters' dtype (default float32) and the Generator of their initialization. */
export interface LayerOptions {
  dtype?: 'float32' | 'float64';
  generator?: Generator;
}

/** A zero-filled Parameter of `shape`, to be initialized in place. */
export function emptyParameter(shape: readonly number[], opts: LayerOptions = {}): Parameter {
  const dtype = opts.dtype ?? 'float32';
  if (dtype === 'float32') return new Parameter(new Tensor(allocFloat32Resident(numel(shape)), shape.slice(), dtype));
  return new Parameter(emptyTensor(shape, dtype));
}
