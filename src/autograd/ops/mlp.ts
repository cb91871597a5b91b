import type { GemmEpilogue } from '../../backend/types.js';
import { fail } from '../../errors.js';
import type { FloatArray } from '../../tensor/dtype.js';
import { type Tensor, uninitTensor } from '../../tensor/tensor.js';
import { needsGradAny, record, releaseSavedArray } from '../graph.js';
import { add, gelu } from './elementwise.js';
import { biasOperand, gemm2dRaw, mm2dRaw, matmul, residualOperand, weightAndBiasGradsRaw } from './linalg.js';
import { reshape, transpose } from './shape.js';

export interface GeluMlpOptions {
  /** 'none' (erf GELU, default) or 'tanh' (GPT-2's `gelu_new`). */
  approximate?: 'none' | 'tanh';
  /** When given ([..., out], as y): returns residual + y, the sum made inside the last GEMM. */
  residual?: Tensor | null;
}

/**
 * GPT-2's feed-forward block as one op (fused GELU MLP):
 *
 *   y = gelu(x·wFc + bFc)·wProj + bProj  (+ residual)
 *
 * with the weights in GPT-2's Conv1D layout ([in, out]). Equal to `addmm(bProj, gelu(addmm(bFc, x, wFc)),
 * wProj)`, but the GELU runs inside the first GEMM (on each output block while it is in cache), its
 * derivative inside the GEMM that computes the hidden gradient, the bias gradients come out of the
 * weight-gradient GEMMs and the residual is added inside the last GEMM: no separate passes over the
 * activations.
 *
 * Args:
 * - x: [..., in]
 * - wFc: [in, hidden]; bFc: [hidden] or null
 * - wProj: [hidden, out]; bProj: [out] or null
 * - options: `approximate` (default 'none'), `residual` (default none)
 *
 * Returns [..., out]. Gradients flow to every input that requires one (PyTorch semantics).
 */
export function geluMlp(
  x: Tensor, wFc: Tensor, bFc: Tensor | null, wProj: Tensor, bProj: Tensor | null, options: GeluMlpOptions = {},
): Tensor {
  const { approximate = 'none', residual = null } = options;
  const [nIn, hidden] = wFc.shape;
  const nOut = wProj.ndim === 2 ? wProj.shape[1] : -1;
  const lead = x.shape.slice(0, -1);
  if (x.ndim < 1 || wFc.ndim !== 2 || wProj.ndim !== 2 || x.shape[x.ndim - 1] !== nIn || wProj.shape[0] !== hidden ||
    (bFc !== null && (bFc.ndim !== 1 || bFc.shape[0] !== hidden)) ||
    (bProj !== null && (bProj.ndim !== 1 || bProj.shape[0] !== nOut)) ||
    (residual !== null && residual.shape.join() !== [...lead, nOut].join())) {
    fail('ShapeMismatch', `geluMlp: expected x [..., ${nIn}], wFc [${nIn}, ${hidden}], bFc [${hidden}], wProj [${hidden}, out], ` +
      `bProj [out], residual [..., out], got x [${x.shape.join(', ')}], wProj [${wProj.shape.join(', ')}]` +
      (residual ? `, residual [${residual.shape.join(', ')}]` : ''));
  }
  const rows = reshape(x, [-1, nIn]);
  const dtype = x.dtype;
  const fusable = (dtype === 'float32' || dtype === 'float64') &&
    [wFc, bFc, wProj, bProj, residual].every((t) => t === null || t.dtype === dtype);
  if (fusable) return geluMlpRows(rows, wFc, bFc, wProj, bProj, approximate, residual, [...lead, nOut]);
  const residualRows = residual ? reshape(residual, [-1, nOut]) : null;
  return reshape(composedMlp(rows, wFc, bFc, wProj, bProj, approximate, residualRows), [...lead, nOut]);
}

/** The same block from separate ops (mixed or non-float dtypes). */
function composedMlp(x: Tensor, wFc: Tensor, bFc: Tensor | null, wProj: Tensor, bProj: Tensor | null,
  approximate: 'none' | 'tanh', residual: Tensor | null): Tensor {
  const linear = (input: Tensor, w: Tensor, b: Tensor | null) => (b ? add(matmul(input, w), b) : matmul(input, w));
  const y = linear(gelu(linear(x, wFc, bFc), approximate), wProj, bProj);
  return residual ? add(residual, y) : y;
}

/**
 * geluMlp on rows x [m, in] with all operands of one float dtype, the result (and residual) of shape
 * `outShape` ([..., out], m rows): the residual's gradient is the output's own, with no view between them.
 */
function geluMlpRows(x: Tensor, wFc: Tensor, bFc: Tensor | null, wProj: Tensor, bProj: Tensor | null,
  approximate: 'none' | 'tanh', residual: Tensor | null, outShape: number[]): Tensor {
  const inputs = [x, wFc, bFc, wProj, bProj, residual];
  const grad = needsGradAny(inputs);
  const [m, hidden] = [x.shape[0], wFc.shape[1]];
  const forward: GemmEpilogue = approximate === 'tanh' ? 'gelu_tanh' : 'gelu_erf';
  const pre = grad ? uninitTensor([m, hidden], x.dtype) : null; // x·wFc + bFc, kept for the GELU derivative
  const fcBias = biasOperand(bFc);
  const h = mm2dRaw(x, wFc, {
    bias: fcBias.bias, biasOffset: fcBias.biasOffset, epilogue: forward, preOut: pre ? (pre.data as FloatArray) : null, preOutOffset: 0,
  });
  const nOut = wProj.shape[1];
  const y = uninitTensor(outShape, x.dtype);
  const projBias = biasOperand(bProj);
  const res = residualOperand(residual);
  gemm2dRaw(h, wProj, reshape(y, [m, nOut]), {
    bias: projBias.bias, biasOffset: projBias.biasOffset, residual: res.residual, residualOffset: res.residualOffset,
  });
  if (!grad || !pre) return y;
  return record(y, 'GeluMlpBackward', inputs, (gOut) => {
    const g = reshape(gOut, [m, nOut]);
    const needPre = x.requiresGrad || wFc.requiresGrad || (bFc?.requiresGrad ?? false);
    const [gradWProj, gradBProj] = weightAndBiasGradsRaw(h, g, wProj.requiresGrad, bProj?.requiresGrad ?? false);
    const gradResidual = residual?.requiresGrad ? gOut : null;
    let grads: (Tensor | null)[] = [null, null, null, gradWProj, gradBProj, gradResidual];
    if (needPre) {
      // dPre = (g·wProjᵀ) ⊙ gelu'(pre), the derivative applied to each block of the product in cache.
      const dPre = mm2dRaw(g, transpose(wProj, -2, -1), {
        epilogue: `${forward}_grad`, pre: pre.data as FloatArray, preOffset: 0, post: h.data as FloatArray, postOffset: 0,
      });
      const [gradWFc, gradBFc] = weightAndBiasGradsRaw(x, dPre, wFc.requiresGrad, bFc?.requiresGrad ?? false);
      const gradX = x.requiresGrad ? mm2dRaw(dPre, transpose(wFc, -2, -1)) : null;
      grads = [gradX, gradWFc, gradBFc, gradWProj, gradBProj, gradResidual];
      releaseSavedArray(dPre.data);
    }
    releaseSavedArray(pre.data);
    releaseSavedArray(h.data);
    return grads;
  });
}
