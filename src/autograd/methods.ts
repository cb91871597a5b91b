/**
 * PyTorch-style methods on Tensor (`x.add(y)`, `x.sum(-1)`, `loss.backward()`), each a thin call into
 * the op functions, so `ops.add(a, b)` and `a.add(b)` are the same thing.
 */
import { Tensor } from '../tensor/tensor.js';
import { backward, type BackwardOptions } from './graph.js';
import * as ops from './ops/index.js';
import type { Dims, ValuesIndices, VarOptions } from './ops/reduce.js';
import type { SliceSpec } from './ops/shape.js';
import type { TensorLike } from './ops/util.js';

declare module '../tensor/tensor.js' {
  interface Tensor {
    add(other: TensorLike): Tensor;
    sub(other: TensorLike): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike): Tensor;
    pow(exponent: TensorLike): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    abs(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    relu(): Tensor;
    gelu(approximate?: 'none' | 'tanh'): Tensor;
    silu(): Tensor;
    square(): Tensor;
    clamp(min?: number | null, max?: number | null): Tensor;
    maximum(other: TensorLike): Tensor;
    minimum(other: TensorLike): Tensor;
    eq(other: TensorLike): Tensor;
    ne(other: TensorLike): Tensor;
    lt(other: TensorLike): Tensor;
    le(other: TensorLike): Tensor;
    gt(other: TensorLike): Tensor;
    ge(other: TensorLike): Tensor;
    sum(dim?: Dims, keepdim?: boolean): Tensor;
    mean(dim?: Dims, keepdim?: boolean): Tensor;
    var(dim?: Dims, opts?: VarOptions): Tensor;
    max(dim: number, keepdim?: boolean): ValuesIndices;
    min(dim: number, keepdim?: boolean): ValuesIndices;
    argmax(dim?: number, keepdim?: boolean): Tensor;
    argmin(dim?: number, keepdim?: boolean): Tensor;
    matmul(other: Tensor): Tensor;
    view(...shape: (number | number[])[]): Tensor;
    reshape(...shape: (number | number[])[]): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    permute(...dims: (number | number[])[]): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    t(): Tensor;
    unsqueeze(dim: number): Tensor;
    squeeze(dim?: number): Tensor;
    expand(...shape: (number | number[])[]): Tensor;
    expandAs(other: Tensor): Tensor;
    slice(...specs: SliceSpec[]): Tensor;
    contiguous(): Tensor;
    clone(): Tensor;
    /** A tensor sharing storage, cut from the graph. */
    detach(): Tensor;
    /** Marks a leaf tensor as requiring gradients (in place); returns it. */
    requiresGrad_(flag?: boolean): Tensor;
    /** Keep `.grad` for this non-leaf tensor after backward(). */
    retainGrad(): Tensor;
    backward(gradient?: Tensor, opts?: BackwardOptions): void;
    /** A copy with another dtype (float conversions are differentiable). */
    to(dtype: Tensor['dtype']): Tensor;
    float(): Tensor;
    double(): Tensor;
    int(): Tensor;
    softmax(dim: number): Tensor;
    logSoftmax(dim: number): Tensor;
    logsumexp(dim: Dims, keepdim?: boolean): Tensor;
    cumsum(dim: number): Tensor;
    topk(k: number, dim?: number, largest?: boolean, sorted?: boolean): ValuesIndices;
    sort(dim?: number, descending?: boolean): ValuesIndices;
    gather(dim: number, index: Tensor): Tensor;
    indexSelect(dim: number, index: Tensor): Tensor;
    maskedFill(mask: Tensor, value: number): Tensor;
    /** condition ? this : other (torch.Tensor.where). */
    where(condition: Tensor, other: TensorLike): Tensor;
    split(sizeOrSizes: number | number[], dim?: number): Tensor[];
    chunk(chunks: number, dim?: number): Tensor[];
    tril(diagonal?: number): Tensor;
    triu(diagonal?: number): Tensor;
    movedim(source: number, destination: number): Tensor;
  }
}

const P = Tensor.prototype;
P.add = function (o) { return ops.add(this, o); };
P.sub = function (o) { return ops.sub(this, o); };
P.mul = function (o) { return ops.mul(this, o); };
P.div = function (o) { return ops.div(this, o); };
P.pow = function (e) { return ops.pow(this, e); };
P.neg = function () { return ops.neg(this); };
P.exp = function () { return ops.exp(this); };
P.log = function () { return ops.log(this); };
P.sqrt = function () { return ops.sqrt(this); };
P.rsqrt = function () { return ops.rsqrt(this); };
P.abs = function () { return ops.abs(this); };
P.tanh = function () { return ops.tanh(this); };
P.sigmoid = function () { return ops.sigmoid(this); };
P.relu = function () { return ops.relu(this); };
P.gelu = function (approximate) { return ops.gelu(this, approximate); };
P.silu = function () { return ops.silu(this); };
P.square = function () { return ops.square(this); };
P.clamp = function (min, max) { return ops.clamp(this, min, max); };
P.maximum = function (o) { return ops.maximum(this, o); };
P.minimum = function (o) { return ops.minimum(this, o); };
P.eq = function (o) { return ops.eq(this, o); };
P.ne = function (o) { return ops.ne(this, o); };
P.lt = function (o) { return ops.lt(this, o); };
P.le = function (o) { return ops.le(this, o); };
P.gt = function (o) { return ops.gt(this, o); };
P.ge = function (o) { return ops.ge(this, o); };
P.sum = function (dim, keepdim) { return ops.sum(this, dim, keepdim); };
P.mean = function (dim, keepdim) { return ops.mean(this, dim, keepdim); };
P.var = function (dim, opts) { return ops.variance(this, dim, opts); };
P.max = function (dim, keepdim) { return ops.max(this, dim, keepdim); };
P.min = function (dim, keepdim) { return ops.min(this, dim, keepdim); };
P.argmax = function (dim, keepdim) { return ops.argmax(this, dim, keepdim); };
P.argmin = function (dim, keepdim) { return ops.argmin(this, dim, keepdim); };
P.matmul = function (o) { return ops.matmul(this, o); };
P.view = function (...s) { return ops.view(this, ...s); };
P.reshape = function (...s) { return ops.reshape(this, ...s); };
P.flatten = function (s, e) { return ops.flatten(this, s, e); };
P.permute = function (...d) { return ops.permute(this, ...d); };
P.transpose = function (a, b) { return ops.transpose(this, a, b); };
P.t = function () { return ops.t(this); };
P.unsqueeze = function (d) { return ops.unsqueeze(this, d); };
P.squeeze = function (d) { return ops.squeeze(this, d); };
P.expand = function (...s) { return ops.expand(this, ...s); };
P.expandAs = function (o) { return ops.expandAs(this, o); };
P.slice = function (...s) { return ops.slice(this, ...s); };
P.contiguous = function () { return ops.contiguous(this); };
P.clone = function () { return ops.clone(this); };
P.detach = function () { return new Tensor(this.data, this.shape.slice(), this.dtype, this.strides.slice(), this.offset); };
P.requiresGrad_ = function (flag = true) {
  if (!this.isLeaf) throw new Error('requiresGrad_ can only be changed on leaf tensors');
  this.requiresGrad = flag;
  return this;
};
P.retainGrad = function () { this.retainsGrad = true; return this; };
P.backward = function (gradient, opts) { backward(this, gradient, opts); };
P.to = function (dtype) { return ops.toDtype(this, dtype); };
P.float = function () { return ops.toDtype(this, 'float32'); };
P.double = function () { return ops.toDtype(this, 'float64'); };
P.int = function () { return ops.toDtype(this, 'int32'); };
P.softmax = function (dim) { return ops.softmax(this, dim); };
P.logSoftmax = function (dim) { return ops.logSoftmax(this, dim); };
P.logsumexp = function (dim, keepdim) { return ops.logsumexp(this, dim, keepdim); };
P.cumsum = function (dim) { return ops.cumsum(this, dim); };
P.topk = function (k, dim, largest, sorted) { return ops.topk(this, k, dim, largest, sorted); };
P.sort = function (dim, descending) { return ops.sort(this, dim, descending); };
P.gather = function (dim, index) { return ops.gather(this, dim, index); };
P.indexSelect = function (dim, index) { return ops.indexSelect(this, dim, index); };
P.maskedFill = function (mask, value) { return ops.maskedFill(this, mask, value); };
P.where = function (condition, other) { return ops.where(condition, this, other); };
P.split = function (s, dim) { return ops.split(this, s, dim); };
P.chunk = function (c, dim) { return ops.chunk(this, c, dim); };
P.tril = function (d) { return ops.tril(this, d); };
P.triu = function (d) { return ops.triu(this, d); };
P.movedim = function (s, d) { return ops.movedim(this, s, d); };

