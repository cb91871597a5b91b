import { backendFor } from '../backend/index.js';
import type { AdamHyperParams } from '../backend/types.js';
import { fail } from '../errors.js';
import { zerosLike } from '../tensor/create.js';
import type { DType, FloatArray } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, type ParamGroup, type ParamState, type ParamsInput } from './optimizer.js';
import { floatStorage } from './storage.js';

export interface AdamOptions {
  /** Learning rate. Default: 1e-3. */
  lr: number;
  /** Coefficients (β1, β2) of the running averages of the gradient and its square. Default: [0.9, 0.999]. */
  betas: [number, number];
  /** Added to the denominator for numerical stability. Default: 1e-8. */
  eps: number;
  /** Weight decay λ: an L2 penalty for Adam, decoupled decay for AdamW. Default: 0 (Adam), 1e-2 (AdamW). */
  weightDecay: number;
  /** AMSGrad: divide by the running maximum of v instead of v. Default: false. */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing it. Default: false. */
  maximize: boolean;
}

interface VariantArgs {
  param: FloatArray; grad: FloatArray; m: FloatArray; v: FloatArray; vMax: FloatArray | null;
  lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; step: number;
  decoupled: boolean; maximize: boolean;
}

/** The Adam step with AMSGrad and/or maximize (torch's single-tensor path); the kernel covers the rest. */
function adamVariantUpdate(a: VariantArgs): void {
  const { param: p, grad: g, m, v, vMax, lr, beta1, beta2, eps, weightDecay: wd, step, decoupled, maximize } = a;
  const stepSize = lr / (1 - Math.pow(beta1, step));
  const bc2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
  for (let i = 0; i < p.length; i++) {
    let gi = maximize ? -g[i] : g[i];
    if (decoupled) p[i] *= 1 - lr * wd;
    else if (wd !== 0) gi += wd * p[i];
    m[i] = beta1 * m[i] + (1 - beta1) * gi;
    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
    let vi = v[i];
    if (vMax) vi = vMax[i] = Math.max(vMax[i], vi);
    p[i] -= (stepSize * m[i]) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
}

/** Shared Adam/AdamW update; `decoupled` picks AdamW's weight decay. */
abstract class AdamBase extends Optimizer<AdamOptions> {
  protected abstract readonly decoupled: boolean;

  protected override validate(group: ParamGroup<AdamOptions>): void {
    super.validate(group);
    const [b1, b2] = group.betas;
    const name = this.constructor.name;
    if (!(b1 >= 0 && b1 < 1)) fail('InvalidArgument', `${name}: betas[0] must be in [0, 1), got ${b1}`);
    if (!(b2 >= 0 && b2 < 1)) fail('InvalidArgument', `${name}: betas[1] must be in [0, 1), got ${b2}`);
    if (!(group.eps >= 0)) fail('InvalidArgument', `${name}: eps must be >= 0, got ${group.eps}`);
    if (!(group.weightDecay >= 0)) fail('InvalidArgument', `${name}: weightDecay must be >= 0, got ${group.weightDecay}`);
  }

  step(): void {
    for (const group of this.paramGroups) {
      if (group.amsgrad || group.maximize) {
        for (const p of group.params) if (p.grad) this.stepOne(group, p, this.stateFor(p, group));
      } else {
        this.stepGroup(group);
      }
    }
  }

  /** The parameter's state (created on its first step) with its step count advanced. */
  private stateFor(p: Tensor, group: ParamGroup<AdamOptions>): ParamState {
    const grad = p.grad as Tensor;
    if (grad.dtype !== p.dtype) {
      fail('DTypeMismatch', `${this.constructor.name}: gradient dtype ${grad.dtype} differs from parameter dtype ${p.dtype}`);
    }
    let state = this.state.get(p);
    if (!state) {
      state = { step: 0, exp_avg: zerosLike(p), exp_avg_sq: zerosLike(p) };
      this.state.set(p, state);
    }
    if (group.amsgrad && !state.max_exp_avg_sq) state.max_exp_avg_sq = zerosLike(p);
    state.step = (state.step as number) + 1;
    return state;
  }

  private hyperParams(group: ParamGroup<AdamOptions>, step: number): AdamHyperParams {
    const { lr, betas, eps, weightDecay } = group;
    return { lr, beta1: betas[0], beta2: betas[1], eps, weightDecay, step, decoupled: this.decoupled };
  }

  /** One parameter on its own (torch's single-tensor path). */
  private stepOne(group: ParamGroup<AdamOptions>, p: Tensor, state: ParamState): void {
    const name = this.constructor.name;
    const args = {
      param: floatStorage(p, `${name} parameter`),
      grad: floatStorage(p.grad as Tensor, `${name} gradient`),
      m: floatStorage(state.exp_avg as Tensor, `${name} exp_avg`),
      v: floatStorage(state.exp_avg_sq as Tensor, `${name} exp_avg_sq`),
      ...this.hyperParams(group, state.step as number),
    };
    if (group.amsgrad || group.maximize) {
      const vMax = group.amsgrad ? floatStorage(state.max_exp_avg_sq as Tensor, `${name} max_exp_avg_sq`) : null;
      adamVariantUpdate({ ...args, vMax, maximize: group.maximize });
    } else {
      backendFor(p.dtype).adamUpdate(args);
    }
  }

  /**
   * The group's parameters in one backend call (torch's foreach path): those of the first gradient's dtype
   * and step count; any other parameter takes the single-tensor path.
   */
  private stepGroup(group: ParamGroup<AdamOptions>): void {
    const name = this.constructor.name;
    const params: FloatArray[] = [], grads: FloatArray[] = [], ms: FloatArray[] = [], vs: FloatArray[] = [];
    let dtype: DType | null = null;
    let step = 0;
    for (const p of group.params) {
      if (!p.grad) continue;
      const state = this.stateFor(p, group);
      if (dtype === null) {
        dtype = p.dtype;
        step = state.step as number;
      }
      if (p.dtype !== dtype || state.step !== step) {
        this.stepOne(group, p, state);
        continue;
      }
      params.push(floatStorage(p, `${name} parameter`));
      grads.push(floatStorage(p.grad, `${name} gradient`));
      ms.push(floatStorage(state.exp_avg as Tensor, `${name} exp_avg`));
      vs.push(floatStorage(state.exp_avg_sq as Tensor, `${name} exp_avg_sq`));
    }
    if (dtype !== null) backendFor(dtype).adamUpdateList({ params, grads, ms, vs, ...this.hyperParams(group, step) });
  }
}

/**
 * Adam (torch.optim.Adam): with g = ∇ + λ·θ,
 *   m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g²
 *   θ = θ − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
 * (with `amsgrad`, v in the denominator is the running maximum of v).
 */
export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...options });
  }
}

/**
 * AdamW (torch.optim.AdamW): Adam with decoupled weight decay, θ = θ·(1 − lr·λ) before the Adam update
 * (which then uses the raw gradient).
 */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: ParamsInput<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...options });
  }
}
