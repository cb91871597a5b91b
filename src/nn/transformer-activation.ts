import { gelu, relu } from '../autograd/ops/index.js';
import { fail } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';

/** The feed-forward activation of a Transformer layer: 'relu', 'gelu' or a function. */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

export function activationFn(a: TransformerActivation): (x: Tensor) => Tensor {
  if (typeof a === 'function') return a;
  if (a === 'relu') return relu;
  if (a === 'gelu') return (x) => gelu(x);
  return fail('InvalidArgument', `Transformer: activation should be relu/gelu, not ${String(a)}`);
}
