import { fail } from '../../errors.js';
import { broadcastShapes } from '../../tensor/shape.js';
import { emptyTensor, type Tensor } from '../../tensor/tensor.js';
import { binaryRaw } from './elementwise.js';

function requireBool(t: Tensor, op: string): void {
  if (t.dtype !== 'bool') fail('DTypeMismatch', `${op}: expected a bool tensor, got ${t.dtype}`);
}

/** Elementwise NOT of a bool tensor (PyTorch's ~mask). */
export function logicalNot(mask: Tensor): Tensor {
  requireBool(mask, 'logicalNot');
  return binaryRaw('eq', mask, emptyTensor([], 'bool'));
}

function logical(op: 'and' | 'or' | 'xor', a: Tensor, b: Tensor): Tensor {
  const name = `logical${op[0].toUpperCase()}${op.slice(1)}`;
  requireBool(a, name);
  requireBool(b, name);
  broadcastShapes(a.shape, b.shape, name);
  if (op === 'and') return binaryRaw('mul', a, b, 'bool');
  if (op === 'or') return binaryRaw('max', a, b, 'bool');
  return binaryRaw('ne', a, b);
}

/** Elementwise AND of bool tensors (broadcasting). */
export const logicalAnd = (a: Tensor, b: Tensor): Tensor => logical('and', a, b);
/** Elementwise OR of bool tensors (broadcasting). */
export const logicalOr = (a: Tensor, b: Tensor): Tensor => logical('or', a, b);
/** Elementwise XOR of bool tensors (broadcasting). */
export const logicalXor = (a: Tensor, b: Tensor): Tensor => logical('xor', a, b);
