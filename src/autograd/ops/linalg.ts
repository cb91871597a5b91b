import { backendFor } from '../../backend/index.js';
import type { GemmArgs } from '../../backend/types.js';
import { fail } from '../../errors.js';
import type { FloatArray } from '../../tensor/dtype.js';
import { broadcastShapes, numel } from '../../tensor/shape.js';
import { emptyTensor, type Tensor, uninitTensor } from '../../tensor/tensor.js';
import { needsGrad, needsGradAny, record } from '../graph.js';
import { add } from './elementwise.js';
import { expand, reshape, transpose } from './shape.js';
import { contiguousRaw, floatRaw, sumAxisRaw, sumToShape } from './util.js';

/**
 * How a [.., r, c] tensor is read by GEMM without copying: a row-major matrix (ld = row stride) or a
 * transposed one (its last two dims swapped in memory), with a fixed stride between batch matrices.
 */
interface MatrixOperand {
  data: FloatArray;
  offset: number;
  ld: number;
  trans: boolean;
  batchStride: number;
}

function asOperand(x: Tensor): MatrixOperand | null {
  const nd = x.ndim;
  const rows = x.shape[nd - 2];
  const cols = x.shape[nd - 1];
  const rs = x.strides[nd - 2];
  const cs = x.strides[nd - 1];
  let trans: boolean;
  let ld: number;
  if ((cs === 1 || cols === 1) && (rows === 1 || rs >= cols)) {
    trans = false;
    ld = rows === 1 ? cols : rs;
  } else if ((rs === 1 || rows === 1) && (cols === 1 || cs >= rows)) {
    trans = true;
    ld = cols === 1 ? rows : cs;
  } else return null;
  if (ld < 1) return null;
  // The batch dims must collapse to a single stride (0 when the operand is broadcast over the batch).
  let batchStride = -1;
  let expected = 0;
  for (let d = nd - 3; d >= 0; d--) {
    if (x.shape[d] === 1) continue;
    if (batchStride === -1) batchStride = x.strides[d];
    else if (x.strides[d] !== expected) return null;
    expected = x.strides[d] * x.shape[d];
  }
  return { data: x.data as FloatArray, offset: x.offset, ld, trans, batchStride: Math.max(batchStride, 0) };
}

/** Batched product of [..., m, k] and [..., k, n] with equal (already broadcast) batch dims; no autograd. */
function bmmRaw(a: Tensor, b: Tensor): Tensor {
  const m = a.shape[a.ndim - 2];
  const k = a.shape[a.ndim - 1];
  const n = b.shape[b.ndim - 1];
  const batchShape = a.shape.slice(0, -2);
  const batch = numel(batchShape);
  const dtype = a.dtype === 'float64' || b.dtype === 'float64' ? 'float64' : 'float32';
  // beta = 0: the product writes every element of C without reading it (unless k is 0).
  const out = k > 0 ? uninitTensor([...batchShape, m, n], dtype) : emptyTensor([...batchShape, m, n], dtype);
  if (out.size === 0 || k === 0) return out;
  const A = (a.dtype === dtype && asOperand(a)) || asOperand(contiguousRaw(castTo(a, dtype)))!;
  const B = (b.dtype === dtype && asOperand(b)) || asOperand(contiguousRaw(castTo(b, dtype)))!;
  backendFor(dtype).gemm({
    a: A.data, aOffset: A.offset, lda: A.ld, transA: A.trans, strideA: A.batchStride,
    b: B.data, bOffset: B.offset, ldb: B.ld, transB: B.trans, strideB: B.batchStride,
    c: out.data as FloatArray, cOffset: 0, ldc: n, strideC: m * n,
    m, n, k, batch, alpha: 1, beta: 0,
  });
  return out;
}

function castTo(t: Tensor, dtype: 'float32' | 'float64'): Tensor {
  const f = floatRaw(t);
  if (f.dtype === dtype) return f;
  const out = emptyTensor(f.shape, dtype);
  backendFor('float64').copy(f, out.data, f.shape);
  return out;
}

/**
 * Matrix product with PyTorch's rules: 1-D operands are promoted to a matrix and the added dimension is
 * removed afterwards; batch dimensions broadcast.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) fail('InvalidArgument', 'matmul: both arguments need at least one dimension');
  const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0]]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [b.shape[0], 1]) : b;
  const k = a2.shape[a2.ndim - 1];
  if (b2.shape[b2.ndim - 2] !== k) {
    fail('ShapeMismatch', `matmul: shapes [${a.shape.join(', ')}] and [${b.shape.join(', ')}] cannot be multiplied (${k} != ${b2.shape[b2.ndim - 2]})`);
  }
  let out: Tensor;
  if (b2.ndim === 2 && a2.ndim > 2) {
    // [..., m, k] · [k, n]: fold the batch into the rows, so b's gradient is one product, not a batch to sum.
    const rows = mm(reshape(a2, [-1, k]), b2);
    out = reshape(rows, [...a2.shape.slice(0, -1), b2.shape[1]]);
  } else {
    const batch = broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2), 'matmul');
    const ae = expand(a2, [...batch, ...a2.shape.slice(-2)]);
    const be = expand(b2, [...batch, ...b2.shape.slice(-2)]);
    out = mm(ae, be);
  }
  if (a.ndim === 1) out = reshape(out, [...out.shape.slice(0, -2), out.shape[out.ndim - 1]]);
  if (b.ndim === 1) out = reshape(out, out.shape.slice(0, -1));
  return out;
}

/** Product of operands with identical batch dims (after expand). */
function mm(a: Tensor, b: Tensor): Tensor {
  const out = bmmRaw(a, b);
  if (!needsGrad(a, b)) return out;
  return record(out, 'MmBackward', [a, b], (g) => [
    a.requiresGrad ? sumToShape(bmmRaw(g, transpose(b, -2, -1)), a.shape) : null,
    b.requiresGrad ? sumToShape(bmmRaw(transpose(a, -2, -1), g), b.shape) : null,
  ]);
}

/**
 * out = a·b for 2-D operands a [m, k] and b [k, n] of out's dtype (views allowed: they are read in place when
 * GEMM can, else copied), with further GEMM options (bias, epilogue, column sums) passed through; no
 * autograd. Used by the fused ops, which own their backward.
 */
export function gemm2dRaw(a: Tensor, b: Tensor, out: Tensor, options: GemmExtras = {}): void {
  const [m, k] = a.shape;
  const n = b.shape[1];
  // With k = 0 nothing of a or b is read (C gets the bias, residual and epilogue only).
  const none: MatrixOperand = { data: out.data as FloatArray, offset: 0, ld: 1, trans: false, batchStride: 0 };
  const A = k === 0 ? none : asOperand(a) ?? asOperand(contiguousRaw(a))!;
  const B = k === 0 ? none : asOperand(b) ?? asOperand(contiguousRaw(b))!;
  backendFor(out.dtype).gemm({
    a: A.data, aOffset: A.offset, lda: A.ld, transA: A.trans, strideA: 0,
    b: B.data, bOffset: B.offset, ldb: B.ld, transB: B.trans, strideB: 0,
    c: out.data as FloatArray, cOffset: out.offset, ldc: n, strideC: m * n,
    m, n, k, batch: 1, alpha: 1, beta: 0,
    // Every optional field present, so that every product's arguments have one object shape (spreading the
    // options in gave each combination its own, and the backends' reads of them went megamorphic).
    bias: options.bias ?? null, biasOffset: options.biasOffset ?? 0,
    residual: options.residual ?? null, residualOffset: options.residualOffset ?? 0,
    colSumB: options.colSumB ?? null, colSumBOffset: options.colSumBOffset ?? 0,
    epilogue: options.epilogue, preOut: options.preOut ?? null, preOutOffset: options.preOutOffset ?? 0,
    pre: options.pre ?? null, preOffset: options.preOffset ?? 0, post: options.post ?? null, postOffset: options.postOffset ?? 0,
  });
}

/** What a product may add to C = a·b (see GemmArgs): bias, residual, column sums of b, an epilogue. */
export type GemmExtras = Partial<Pick<GemmArgs, 'bias' | 'biasOffset' | 'residual' | 'residualOffset' | 'colSumB' |
  'colSumBOffset' | 'epilogue' | 'preOut' | 'preOutOffset' | 'pre' | 'preOffset' | 'post' | 'postOffset'>>;

/** A 1-D tensor as a GEMM bias (its data and offset), copied when strided; none for null. */
export function biasOperand(bias: Tensor | null): { bias: FloatArray | null; biasOffset: number } {
  if (!bias) return { bias: null, biasOffset: 0 };
  const bv = bias.strides[0] === 1 || bias.shape[0] === 1 ? bias : contiguousRaw(bias);
  return { bias: bv.data as FloatArray, biasOffset: bv.offset };
}

/** A new [m, n] tensor a·b for 2-D a [m, k] and b [k, n] (gemm2dRaw with its options); no autograd. */
export function mm2dRaw(a: Tensor, b: Tensor, options: GemmExtras = {}): Tensor {
  const dtype = b.dtype;
  const out = a.shape[1] > 0 ? uninitTensor([a.shape[0], b.shape[1]], dtype) : emptyTensor([a.shape[0], b.shape[1]], dtype);
  gemm2dRaw(a, b, out, options);
  return out;
}

/**
 * The gradients of w and bias in y = x·w + bias from the output gradient g ([m, n]; x [m, k]): xᵀ·g and the
 * column sums of g, the sums out of the same GEMM when both are needed; null where not needed.
 */
export function weightAndBiasGradsRaw(x: Tensor, g: Tensor, needW: boolean, needBias: boolean): [Tensor | null, Tensor | null] {
  const xt = transpose(x, -2, -1);
  if (needW && needBias && x.dtype === g.dtype) {
    const sums = uninitTensor([g.shape[1]], g.dtype);
    return [mm2dRaw(xt, g, { colSumB: sums.data as FloatArray, colSumBOffset: 0 }), sums];
  }
  return [needW ? bmmRaw(xt, g) : null, needBias ? sumAxisRaw(g, 0, false) : null];
}

/**
 * bias + a·b (torch.addmm with a 1-D bias): a [m, k], b [k, n], bias [n] added to every row. The GEMM adds
 * the bias itself (block by block, just before the product accumulates there), so no separate addition
 * pass or temporary is needed. Operands may be transposed views (as `t(weight)`). In backward, the bias
 * gradient (column sums of the output gradient) comes out of the GEMM that computes b's gradient.
 */
export function addmm(bias: Tensor, a: Tensor, b: Tensor): Tensor {
  const dtype = a.dtype;
  const n = b.ndim === 2 ? b.shape[1] : -1;
  if (a.ndim !== 2 || b.ndim !== 2 || bias.ndim !== 1 || bias.shape[0] !== n || a.shape[1] !== b.shape[0] ||
    (dtype !== 'float32' && dtype !== 'float64') || b.dtype !== dtype || bias.dtype !== dtype) {
    return add(matmul(a, b), bias);
  }
  const m = a.shape[0];
  const out = uninitTensor([m, n], dtype);
  if (out.size === 0) return out;
  gemm2dRaw(a, b, out, biasOperand(bias));
  if (!needsGrad(a, b, bias)) return out;
  return record(out, 'AddmmBackward', [bias, a, b], (g) => addmmGradsRaw(bias, a, b, g));
}

/** The gradients of bias, a and b in bias + a·b from the output gradient g (null where not required). */
function addmmGradsRaw(bias: Tensor | null, a: Tensor, b: Tensor, g: Tensor): (Tensor | null)[] {
  const [gradB, gradBias] = weightAndBiasGradsRaw(a, g, b.requiresGrad, bias?.requiresGrad ?? false);
  return [gradBias, a.requiresGrad ? bmmRaw(g, transpose(b, -2, -1)) : null, gradB];
}

/** A contiguous [m, n] tensor as a GEMM residual (its data and offset), copied when strided; none for null. */
export function residualOperand(residual: Tensor | null): { residual: FloatArray | null; residualOffset: number } {
  if (!residual) return { residual: null, residualOffset: 0 };
  const r = residual.isContiguous() ? residual : contiguousRaw(residual);
  return { residual: r.data as FloatArray, residualOffset: r.offset };
}

/**
 * residual + bias + a·b in one GEMM: a transformer block's residual connection around a projection
 * (x + proj(h)), the residual added to each block of the output just as the bias is, so the sum costs no
 * separate pass. a [m, k], b [k, n] (views allowed, as `t(weight)`), bias [n] or null, residual [..., n]
 * with m rows in all (e.g. [B, T, n] for a of [B·T, k]); the result has the residual's shape. Values and
 * gradients are those of `add(residual, reshape(addmm(bias, a, b), residual.shape))`; the residual's
 * gradient is the output's own (no view between them, so later terms can be added into it in place).
 */
export function addmmResidual(residual: Tensor, bias: Tensor | null, a: Tensor, b: Tensor): Tensor {
  const dtype = a.dtype;
  const n = b.ndim === 2 ? b.shape[1] : -1;
  const m = a.ndim === 2 ? a.shape[0] : -1;
  const fits = a.ndim === 2 && b.ndim === 2 && a.shape[1] === b.shape[0] && (dtype === 'float32' || dtype === 'float64') &&
    b.dtype === dtype && residual.dtype === dtype && residual.ndim >= 1 && residual.shape[residual.ndim - 1] === n &&
    residual.size === m * n && (bias === null || (bias.ndim === 1 && bias.shape[0] === n && bias.dtype === dtype));
  if (!fits) {
    const product = bias ? addmm(bias, a, b) : matmul(a, b);
    return add(residual, residual.ndim === 2 ? product : reshape(product, residual.shape));
  }
  const out = uninitTensor(residual.shape, dtype);
  if (out.size === 0) return out;
  const { bias: biasData, biasOffset } = biasOperand(bias);
  const { residual: residualData, residualOffset } = residualOperand(residual);
  gemm2dRaw(a, b, reshape(out, [m, n]), { bias: biasData, biasOffset, residual: residualData, residualOffset });
  if (!needsGradAny([residual, bias, a, b])) return out;
  return record(out, 'AddmmResidualBackward', [residual, bias, a, b], (g) => [
    residual.requiresGrad ? g : null, ...addmmGradsRaw(bias, a, b, reshape(g, [m, n])),
  ]);
}
