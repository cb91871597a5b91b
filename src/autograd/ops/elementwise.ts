import { backendFor } from '../../backend/index.js';
import type { BinaryOp, UnaryOp } from '../../backend/types.js';
import { type DType, type FloatArray, isFloat, promoteTypes } from '../../tensor/dtype.js';
import { broadcastShapes, shapesEqual } from '../../tensor/shape.js';
import { emptyTensor, type Tensor, uninitTensor } from '../../tensor/tensor.js';
import { needsGrad, record, setGradHelpers } from '../graph.js';
import { onesLike } from '../../tensor/create.js';
import { clone } from './shape.js';
import { asTensor, castRaw, dataOf, floatRaw, sumToShape, type TensorLike, viewAs } from './util.js';

const COMPARISONS = new Set<BinaryOp>(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/** Applies a binary kernel with broadcasting (no autograd). */
export function binaryRaw(op: BinaryOp, a: Tensor, b: Tensor, outDtype?: DType): Tensor {
  const shape = shapesEqual(a.shape, b.shape) ? a.shape : broadcastShapes(a.shape, b.shape, op);
  let dtype = outDtype ?? (COMPARISONS.has(op) ? 'bool' : a.dtype === b.dtype ? a.dtype : promoteTypes(a.dtype, b.dtype));
  if (op === 'div' && !isFloat(dtype)) dtype = 'float32'; // true division, as torch.div
  const out = uninitTensor(shape, dtype); // the kernel writes every element
  const kernelDtype = a.dtype === 'float64' || b.dtype === 'float64' ? 'float64' : dtype;
  // A float32 kernel may be native, which reads Float32Array operands only.
  const ka = kernelDtype === 'float32' ? castRaw(a, 'float32') : a;
  const kb = kernelDtype === 'float32' ? castRaw(b, 'float32') : b;
  backendFor(kernelDtype).binary(op, viewAs(ka, shape), viewAs(kb, shape), out.data, shape);
  return out;
}

export function add(a: Tensor, b: TensorLike): Tensor {
  const bt = asTensor(b, a);
  const out = binaryRaw('add', a, bt);
  if (!needsGrad(a, bt)) return out;
  return record(out, 'AddBackward', [a, bt], (g) => [
    a.requiresGrad ? sumToShape(g, a.shape) : null,
    bt.requiresGrad ? sumToShape(g, bt.shape) : null,
  ]);
}

export function sub(a: Tensor, b: TensorLike): Tensor {
  const bt = asTensor(b, a);
  const out = binaryRaw('sub', a, bt);
  if (!needsGrad(a, bt)) return out;
  return record(out, 'SubBackward', [a, bt], (g) => [
    a.requiresGrad ? sumToShape(g, a.shape) : null,
    bt.requiresGrad ? sumToShape(neg(g), bt.shape) : null,
  ]);
}

export function mul(a: Tensor, b: TensorLike): Tensor {
  const bt = asTensor(b, a);
  const out = binaryRaw('mul', a, bt);
  if (!needsGrad(a, bt)) return out;
  return record(out, 'MulBackward', [a, bt], (g) => [
    a.requiresGrad ? sumToShape(binaryRaw('mul', g, bt), a.shape) : null,
    bt.requiresGrad ? sumToShape(binaryRaw('mul', g, a), bt.shape) : null,
  ]);
}

export function div(a: Tensor, b: TensorLike): Tensor {
  const bt = asTensor(b, a);
  const out = binaryRaw('div', a, bt);
  if (!needsGrad(a, bt)) return out;
  return record(out, 'DivBackward', [a, bt], (g) => [
    a.requiresGrad ? sumToShape(binaryRaw('div', g, bt), a.shape) : null,
    bt.requiresGrad ? sumToShape(neg(binaryRaw('div', binaryRaw('mul', g, out), bt)), bt.shape) : null,
  ]);
}

/** a ** b, elementwise (b a tensor or a number). */
export function pow(a: Tensor, b: TensorLike): Tensor {
  if (typeof b === 'number') return powScalar(a, b);
  const out = binaryRaw('pow', a, b);
  if (!needsGrad(a, b)) return out;
  return record(out, 'PowBackward', [a, b], (g) => [
    a.requiresGrad ? sumToShape(mul(g, mul(b, binaryRaw('pow', a, sub(b, 1)))), a.shape) : null,
    b.requiresGrad ? sumToShape(mul(g, mul(out, unaryRaw('log', a))), b.shape) : null,
  ]);
}

export function powScalar(a: Tensor, exponent: number): Tensor {
  const x = floatRaw(a);
  const out = emptyTensor(x.shape, x.dtype);
  backendFor(x.dtype).powScalar(dataOf(x), out.data as FloatArray, out.size, exponent);
  if (!needsGrad(a)) return out;
  return record(out, 'PowBackward', [a], (g) => {
    if (exponent === 0) return [mul(g, 0)];
    return [mul(g, mul(powScalar(x, exponent - 1), exponent))];
  });
}

/** Applies a unary kernel (no autograd); int inputs are computed in float32. */
export function unaryRaw(op: UnaryOp, a: Tensor): Tensor {
  const x = floatRaw(a);
  const out = uninitTensor(x.shape, x.dtype);
  backendFor(x.dtype).unary(op, dataOf(x), out.data as FloatArray, out.size);
  return out;
}

function unaryOp(op: UnaryOp, name: string) {
  return (a: Tensor): Tensor => {
    const out = unaryRaw(op, a);
    if (!needsGrad(a)) return out;
    return record(out, name, [a], (g) => {
      const gx = uninitTensor(a.shape, out.dtype);
      backendFor(out.dtype).unaryBackward(op, dataOf(floatRaw(a)), dataOf(out), dataOf(g), gx.data as FloatArray, gx.size);
      return [gx];
    });
  };
}

export const exp = unaryOp('exp', 'ExpBackward');
export const log = unaryOp('log', 'LogBackward');
export const sqrt = unaryOp('sqrt', 'SqrtBackward');
export const rsqrt = unaryOp('rsqrt', 'RsqrtBackward');
export const abs = unaryOp('abs', 'AbsBackward');
export const tanh = unaryOp('tanh', 'TanhBackward');
export const sigmoid = unaryOp('sigmoid', 'SigmoidBackward');
export const relu = unaryOp('relu', 'ReluBackward');
export const silu = unaryOp('silu', 'SiluBackward');
export const sin = unaryOp('sin', 'SinBackward');
export const cos = unaryOp('cos', 'CosBackward');
export const square = unaryOp('square', 'SquareBackward');
export const reciprocal = unaryOp('reciprocal', 'ReciprocalBackward');
export const erf = unaryOp('erf', 'ErfBackward');
export const log1p = unaryOp('log1p', 'Log1pBackward');
export const expm1 = unaryOp('expm1', 'Expm1Backward');
const geluErf = unaryOp('gelu', 'GeluBackward');
const geluTanh = unaryOp('gelu_tanh', 'GeluBackward');

/** GELU: x·Φ(x) ('none', the erf form) or its tanh approximation ('tanh'). */
export function gelu(a: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  return approximate === 'tanh' ? geluTanh(a) : geluErf(a);
}

export function neg(a: Tensor): Tensor {
  if (!isFloat(a.dtype)) return binaryRaw('sub', asTensor(0, a), a);
  const out = unaryRaw('neg', a);
  if (!needsGrad(a)) return out;
  return record(out, 'NegBackward', [a], (g) => [neg(g)]);
}

/** Non-differentiable rounding and sign ops. */
export const sign = (a: Tensor): Tensor => unaryRaw('sign', a);
export const floor = (a: Tensor): Tensor => unaryRaw('floor', a);
export const ceil = (a: Tensor): Tensor => unaryRaw('ceil', a);
export const round = (a: Tensor): Tensor => unaryRaw('round', a);

/** Clamps into [min, max]; the gradient flows where the input was inside the bounds. */
export function clamp(a: Tensor, min?: number | null, max?: number | null): Tensor {
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  const x = floatRaw(a);
  const out = emptyTensor(x.shape, x.dtype);
  backendFor(x.dtype).clamp(dataOf(x), out.data as FloatArray, out.size, lo, hi);
  if (!needsGrad(a)) return out;
  return record(out, 'ClampBackward', [a], (g) => {
    const inside = binaryRaw('mul', binaryRaw('ge', x, asTensor(lo, x)), binaryRaw('le', x, asTensor(hi, x)), x.dtype);
    return [binaryRaw('mul', g, inside)];
  });
}

function minMax(op: 'max' | 'min', a: Tensor, b: TensorLike): Tensor {
  const bt = asTensor(b, a);
  const out = binaryRaw(op, a, bt);
  if (!needsGrad(a, bt)) return out;
  return record(out, op === 'max' ? 'MaximumBackward' : 'MinimumBackward', [a, bt], (g) => {
    // Ties split the gradient evenly, as PyTorch does.
    const aWins = binaryRaw(op === 'max' ? 'gt' : 'lt', a, bt, g.dtype);
    const tie = binaryRaw('eq', a, bt, g.dtype);
    const shareA = binaryRaw('add', aWins, binaryRaw('mul', tie, asTensor(0.5, g)));
    const shareB = binaryRaw('sub', asTensor(1, g), shareA);
    return [
      a.requiresGrad ? sumToShape(binaryRaw('mul', g, shareA), a.shape) : null,
      bt.requiresGrad ? sumToShape(binaryRaw('mul', g, shareB), bt.shape) : null,
    ];
  });
}

export const maximum = (a: Tensor, b: TensorLike): Tensor => minMax('max', a, b);
export const minimum = (a: Tensor, b: TensorLike): Tensor => minMax('min', a, b);

export const eq = (a: Tensor, b: TensorLike): Tensor => binaryRaw('eq', a, asTensor(b, a));
export const ne = (a: Tensor, b: TensorLike): Tensor => binaryRaw('ne', a, asTensor(b, a));
export const lt = (a: Tensor, b: TensorLike): Tensor => binaryRaw('lt', a, asTensor(b, a));
export const le = (a: Tensor, b: TensorLike): Tensor => binaryRaw('le', a, asTensor(b, a));
export const gt = (a: Tensor, b: TensorLike): Tensor => binaryRaw('gt', a, asTensor(b, a));
export const ge = (a: Tensor, b: TensorLike): Tensor => binaryRaw('ge', a, asTensor(b, a));

/** A copy converted to `dtype`; conversions between float types carry the gradient. */
export function toDtype(a: Tensor, dtype: DType): Tensor {
  if (a.dtype === dtype) return a;
  const out = castRaw(a, dtype);
  if (!isFloat(dtype) || !needsGrad(a)) return out;
  return record(out, 'ToCopyBackward', [a], (g) => [toDtype(g, a.dtype)]);
}

/**
 * acc += b in place when both have one float dtype and shape, else false. backward() calls it only for an
 * acc that owns its whole contiguous storage.
 */
function addInPlace(acc: Tensor, b: Tensor): boolean {
  if (acc.dtype !== b.dtype || !isFloat(acc.dtype) || !shapesEqual(acc.shape, b.shape)) return false;
  backendFor(acc.dtype).binary('add', viewAs(acc, acc.shape), viewAs(b, acc.shape), acc.data, acc.shape);
  return true;
}

// backward() needs these to seed and accumulate gradients; graph.ts cannot import ops without a cycle.
setGradHelpers((a, b) => binaryRaw('add', a, b), (t) => onesLike(t), (t) => clone(t), addInPlace);
