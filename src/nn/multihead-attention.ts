import {
  add, chunk, dropout, eq, matmul, maskedFill, maximum, mean, mul, packedSelfAttention, reshape, scaledDotProductAttention,
  slice, softmax, squeeze, transpose, unsqueeze, where,
} from '../autograd/ops/index.js';
import { fail } from '../errors.js';
import { tensor } from '../tensor/create.js';
import type { Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { constant_, xavierUniform_ } from './init.js';
import { Linear, linear } from './linear.js';
import { Module } from './module.js';
import { emptyParameter, type LayerOptions, type Parameter } from './parameter.js';

export interface MultiheadAttentionOptions extends LayerOptions {
  /** Dropout on the attention weights while training (default 0). */
  dropout?: number;
  /** Learn in_proj_bias and out_proj.bias (default true). */
  bias?: boolean;
  /** Inputs and output are (batch, seq, feature) instead of (seq, batch, feature) (default false). */
  batchFirst?: boolean;
  /** Generator for the dropout (the global one by default). */
  dropoutGenerator?: Generator;
}

export interface MultiheadAttentionCall {
  /** (N, S) or (S): True (bool) marks keys to ignore; a float mask is added to the scores. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights too (default true). */
  needWeights?: boolean;
  /** (L, S) or (N·num_heads, L, S): True (bool) = may NOT attend; a float mask is added to the scores. */
  attnMask?: Tensor | null;
  /** Average the returned weights over the heads (default true). */
  averageAttnWeights?: boolean;
  /** Apply a causal mask (when attnMask is not given). */
  isCausal?: boolean;
}

/**
 * Multi-head attention (torch.nn.MultiheadAttention):
 *
 *     MultiHead(Q, K, V) = Concat(head_1, ..., head_h) W^O,  head_i = softmax(Q W_i^Q (K W_i^K)ᵀ / √d + M) V W_i^V
 *
 * Args: `embedDim`, `numHeads` (embed_dim must be divisible by it); options dropout (0), bias (true),
 * batchFirst (false), dtype, generator.
 *
 * Shape (N batch, L target length, S source length, E embed_dim):
 * - query (L, N, E), key and value (S, N, E) — or (N, L, E) / (N, S, E) with batchFirst, or unbatched (L, E);
 * - returns [attn_output like query, attn_weights (N, L, S) averaged over heads, (N, num_heads, L, S)
 *   otherwise, or null when needWeights is false].
 *
 * Masks follow PyTorch's module convention: in a bool mask True means "masked out" (the opposite of
 * scaledDotProductAttention's attnMask); float masks are added to the scores.
 *
 * Attributes: in_proj_weight (3E, E) xavier-uniform, in_proj_bias (3E) zeros, out_proj (Linear E → E,
 * bias zeros).
 */
export class MultiheadAttention extends Module {
  readonly inProjWeight: Parameter;
  readonly inProjBias: Parameter | null;
  readonly outProj: Linear;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  private readonly dropoutGenerator: Generator | undefined;

  constructor(readonly embedDim: number, readonly numHeads: number, opts: MultiheadAttentionOptions = {}) {
    super();
    if (!Number.isInteger(numHeads) || numHeads <= 0 || embedDim % numHeads !== 0) {
      fail('InvalidArgument', `MultiheadAttention: embed_dim must be divisible by num_heads, got ${embedDim} and ${numHeads}`);
    }
    this.headDim = embedDim / numHeads;
    this.dropout = opts.dropout ?? 0;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropoutGenerator = opts.dropoutGenerator;
    const bias = opts.bias ?? true;
    this.inProjWeight = this.registerParameter('in_proj_weight', emptyParameter([3 * embedDim, embedDim], opts));
    this.inProjBias = this.registerParameter('in_proj_bias', bias ? emptyParameter([3 * embedDim], opts) : null);
    this.outProj = this.registerModule('out_proj', new Linear(embedDim, embedDim, { ...opts, bias }));
    xavierUniform_(this.inProjWeight, 1, opts.generator);
    if (this.inProjBias) constant_(this.inProjBias, 0);
    if (this.outProj.bias) constant_(this.outProj.bias, 0);
  }

  override forward(query: Tensor, key: Tensor, value: Tensor, opts: MultiheadAttentionCall = {}): [Tensor, Tensor | null] {
    const needWeights = opts.needWeights ?? true;
    const unbatched = query.ndim === 2;
    if (query.ndim !== 2 && query.ndim !== 3) {
      fail('ShapeMismatch', `MultiheadAttention: expected query of 2 or 3 dims, got [${query.shape.join(', ')}]`);
    }
    // Work batch first: (N, L, E).
    const toBatchFirst = (t: Tensor) => (unbatched ? unsqueeze(t, 0) : this.batchFirst ? t : transpose(t, 0, 1));
    const q0 = toBatchFirst(query);
    const k0 = key === query ? q0 : toBatchFirst(key);
    const v0 = value === key ? k0 : toBatchFirst(value);
    const [N, L, E] = q0.shape;
    const S = k0.shape[1];
    if (E !== this.embedDim) fail('ShapeMismatch', `MultiheadAttention: expected embed_dim ${this.embedDim}, got query of shape [${query.shape.join(', ')}]`);
    if (k0.shape[0] !== N || v0.shape[0] !== N || v0.shape[1] !== S) {
      fail('ShapeMismatch', `MultiheadAttention: key [${key.shape.join(', ')}] and value [${value.shape.join(', ')}] do not match query [${query.shape.join(', ')}]`);
    }
    const mask = this.mergeMasks(opts, N, L, S, unbatched); // bool: True = masked out; or float, added
    const p = this.training ? this.dropout : 0;
    const b = this.inProjBias;
    if (q0 === k0 && k0 === v0 && !needWeights && (!mask || mask.dtype === 'bool')) {
      // Self-attention: the kernels read q, k and v in place from the one projection and write the heads merged.
      const qkv = linear(q0, this.inProjWeight, b); // (N, L, 3E)
      const out = packedSelfAttention(qkv, this.numHeads, {
        attnMask: mask ? eq(mask, 0) : null, isCausal: !mask && (opts.isCausal ?? false), dropoutP: p, generator: this.dropoutGenerator,
      });
      return [this.finish(out, unbatched), null];
    }
    let q: Tensor;
    let k: Tensor;
    let v: Tensor;
    if (q0 === k0 && k0 === v0) {
      [q, k, v] = chunk(linear(q0, this.inProjWeight, b), 3, -1);
    } else {
      const rows = (t: Tensor | null, from: number, to: number) => (t ? slice(t, [from * E, to * E]) : null);
      q = linear(q0, rows(this.inProjWeight, 0, 1)!, rows(b, 0, 1));
      if (k0 === v0) {
        [k, v] = chunk(linear(k0, rows(this.inProjWeight, 1, 3)!, rows(b, 1, 3)), 2, -1); // cross-attention: one product
      } else {
        k = linear(k0, rows(this.inProjWeight, 1, 2)!, rows(b, 1, 2));
        v = linear(v0, rows(this.inProjWeight, 2, 3)!, rows(b, 2, 3));
      }
    }
    const H = this.numHeads;
    const D = this.headDim;
    const heads = (t: Tensor, T: number) => transpose(reshape(t, [N, T, H, D]), 1, 2); // (N, H, T, D)
    q = heads(q, L);
    k = heads(k, S);
    v = heads(v, S);

    let out: Tensor;
    let weights: Tensor | null = null;
    if (!needWeights) {
      const attnMask = mask && mask.dtype === 'bool' ? eq(mask, 0) : mask;
      out = scaledDotProductAttention(q, k, v, { attnMask, isCausal: !mask && (opts.isCausal ?? false), dropoutP: p, generator: this.dropoutGenerator });
    } else {
      let scores = mul(matmul(q, transpose(k, -2, -1)), 1 / Math.sqrt(D)); // (N, H, L, S)
      const m = mask ?? (opts.isCausal ? causalMask(L, S) : null);
      if (m) scores = m.dtype === 'bool' ? maskedFill(scores, m, -Infinity) : add(scores, m);
      let probs = softmax(scores, -1);
      if (p > 0) probs = dropout(probs, p, true, this.dropoutGenerator);
      out = matmul(probs, v);
      weights = (opts.averageAttnWeights ?? true) ? mean(probs, 1) : probs;
      if (unbatched) weights = squeeze(weights, 0);
    }
    return [this.finish(reshape(transpose(out, 1, 2), [N, L, E]), unbatched), weights];
  }

  /** The output projection of the merged heads (N, L, E), back in the caller's layout. */
  private finish(merged: Tensor, unbatched: boolean): Tensor {
    const out = this.outProj.forward(merged);
    if (unbatched) return squeeze(out, 0);
    return this.batchFirst ? out : transpose(out, 0, 1);
  }

  /** attn_mask and key_padding_mask as one mask broadcastable to (N, H, L, S). */
  private mergeMasks(opts: MultiheadAttentionCall, N: number, L: number, S: number, unbatched: boolean): Tensor | null {
    let am = opts.attnMask ?? null;
    let kpm = opts.keyPaddingMask ?? null;
    if (am) {
      if (am.ndim === 2) {
        if (am.shape[0] !== L || am.shape[1] !== S) fail('ShapeMismatch', `MultiheadAttention: expected attn_mask of shape (${L}, ${S}), got [${am.shape.join(', ')}]`);
      } else if (am.ndim === 3 && am.shape[0] === N * this.numHeads && am.shape[1] === L && am.shape[2] === S) {
        am = reshape(am, [N, this.numHeads, L, S]);
      } else {
        fail('ShapeMismatch', `MultiheadAttention: expected attn_mask of shape (${L}, ${S}) or (${N * this.numHeads}, ${L}, ${S}), got [${am.shape.join(', ')}]`);
      }
    }
    if (kpm) {
      if (unbatched && kpm.ndim === 1) kpm = unsqueeze(kpm, 0);
      if (kpm.ndim !== 2 || kpm.shape[0] !== N || kpm.shape[1] !== S) {
        fail('ShapeMismatch', `MultiheadAttention: expected key_padding_mask of shape (${N}, ${S}), got [${kpm.shape.join(', ')}]`);
      }
      kpm = reshape(kpm, [N, 1, 1, S]);
    }
    if (!am) return kpm;
    if (!kpm) return am;
    if (am.dtype === 'bool' && kpm.dtype === 'bool') return maximum(am, kpm);
    return add(toAdditive(am), toAdditive(kpm));
  }

}

/** A float mask: 0 where a bool mask is False, -inf where True; float masks as they are. */
function toAdditive(m: Tensor): Tensor {
  return m.dtype === 'bool' ? where(m, -Infinity, 0) : m;
}

function causalMask(L: number, S: number): Tensor {
  // True above the (end-aligned) diagonal: query i may attend keys j <= i + S - L.
  return tensor(Array.from({ length: L }, (_, i) => Array.from({ length: S }, (__, j) => j > i + S - L)));
}
