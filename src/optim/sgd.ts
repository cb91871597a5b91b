import { fail } from '../errors.js';
import { zerosLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Optimizer, type ParamGroup, type ParamsInput } from './optimizer.js';
import { floatStorage } from './storage.js';

export interface SGDOptions {
  /** Learning rate. Default: 1e-3. */
  lr: number;
  /** Momentum factor μ. Default: 0. */
  momentum: number;
  /** Dampening τ for momentum. Default: 0. */
  dampening: number;
  /** Use Nesterov momentum. Default: false. */
  nesterov: boolean;
  /** L2 penalty λ added to the gradient. Default: 0. */
  weightDecay: number;
  /** Maximize the objective instead of minimizing it. Default: false. */
  maximize: boolean;
}

/**
 * Stochastic gradient descent with optional momentum, exactly as torch.optim.SGD:
 *
 *   g = ∇ + λ·θ;  b = g on the first step, else μ·b + (1 − τ)·g;
 *   g = g + μ·b (nesterov) or g = b;  θ = θ − lr·g
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, options: Partial<SGDOptions> = {}) {
    super(params, { lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false, ...options });
  }

  protected override validate(group: ParamGroup<SGDOptions>): void {
    super.validate(group);
    if (!(group.momentum >= 0)) fail('InvalidArgument', `SGD: momentum must be >= 0, got ${group.momentum}`);
    if (!(group.weightDecay >= 0)) fail('InvalidArgument', `SGD: weightDecay must be >= 0, got ${group.weightDecay}`);
    if (group.nesterov && (group.momentum <= 0 || group.dampening !== 0)) {
      fail('InvalidArgument', `SGD: nesterov needs momentum > 0 and dampening 0, got momentum ${group.momentum}, dampening ${group.dampening}`);
    }
  }

  step(): void {
    for (const group of this.paramGroups) {
      const { lr, momentum: mu, dampening, nesterov, weightDecay: wd, maximize } = group;
      for (const p of group.params) {
        if (!p.grad) continue;
        const theta = floatStorage(p, 'SGD parameter');
        const grad = floatStorage(p.grad, 'SGD gradient');
        const state = this.state.get(p) ?? {};
        let buf: Float32Array | Float64Array | null = null;
        let first = false;
        if (mu !== 0) {
          if (!state.momentum_buffer) {
            state.momentum_buffer = zerosLike(p);
            first = true;
          }
          buf = floatStorage(state.momentum_buffer as Tensor, 'SGD momentum_buffer');
          this.state.set(p, state);
        }
        const sign = maximize ? -1 : 1;
        for (let i = 0; i < theta.length; i++) {
          let g = sign * grad[i];
          if (wd !== 0) g += wd * theta[i];
          if (buf) {
            buf[i] = first ? g : mu * buf[i] + (1 - dampening) * g;
            g = nesterov ? g + mu * buf[i] : buf[i];
          }
          theta[i] -= lr * g;
        }
      }
    }
  }
}
