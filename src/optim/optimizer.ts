import { fail } from '../errors.js';
import { zerosLike } from '../tensor/create.js';
import { shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { floatStorage } from './storage.js';

/** Per-parameter optimizer state: buffers (momentum, exp_avg, ...) and counters (step). */
export type ParamState = Record<string, Tensor | number>;

/** The hyper-parameters every optimizer has; subclasses add their own. */
export interface BaseHyperParams {
  lr: number;
}

/** A group of parameters sharing hyper-parameters (the group's values override the optimizer's defaults). */
export type ParamGroup<H> = H & { params: Tensor[] };

/** What a constructor accepts for one group: its parameters and any hyper-parameters to override. */
export type ParamGroupSpec<H> = Partial<H> & { params: Iterable<Tensor> };

/** Parameters for an optimizer: one list (a single group) or a list of groups. */
export type ParamsInput<H> = Iterable<Tensor> | ParamGroupSpec<H>[];

/**
 * PyTorch's optimizer state dict: `state` maps a parameter's index (counted across groups in order) to its
 * state; `param_groups` holds each group's hyper-parameters with `params` as those indices.
 */
export interface OptimizerStateDict {
  state: Record<string, ParamState>;
  param_groups: (Record<string, unknown> & { params: number[] })[];
}

export interface ZeroGradOptions {
  /** Drop the gradient tensors (default) instead of filling them with zeros. */
  setToNone?: boolean;
}

/** A fresh contiguous copy of a state buffer. */
function copyOf(t: Tensor): Tensor {
  const c = zerosLike(t);
  c.data.set(t.dense());
  return c;
}

function isGroupSpecs<H>(params: ParamsInput<H>): params is ParamGroupSpec<H>[] {
  return Array.isArray(params) && params.length > 0 && !(params[0] instanceof Tensor);
}

/**
 * Base class of the optimizers (torch.optim.Optimizer): parameter groups with per-group hyper-parameters,
 * `zeroGrad`, `step`, and a state dict that round-trips through `stateDict()`/`loadStateDict()`.
 */
export abstract class Optimizer<H extends BaseHyperParams = BaseHyperParams> {
  readonly defaults: H;
  readonly paramGroups: ParamGroup<H>[] = [];
  /** State per parameter, filled lazily by `step()`. */
  readonly state = new Map<Tensor, ParamState>();

  protected constructor(params: ParamsInput<H>, defaults: H) {
    this.defaults = defaults;
    const groups = isGroupSpecs(params) ? params : [{ params } as ParamGroupSpec<H>];
    if (groups.length === 0) fail('InvalidArgument', `${this.constructor.name}: got an empty parameter list`);
    for (const g of groups) this.addParamGroup(g);
  }

  /** Adds a group; hyper-parameters it leaves out come from the defaults. */
  addParamGroup(spec: ParamGroupSpec<H>): void {
    const params = [...spec.params];
    const name = this.constructor.name;
    if (params.length === 0) fail('InvalidArgument', `${name}: parameter group ${this.paramGroups.length} is empty`);
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of params) {
      if (!(p instanceof Tensor)) fail('InvalidArgument', `${name}: expected parameters to be Tensors, got ${typeof p}`);
      if (!p.isLeaf) fail('InvalidArgument', `${name}: can't optimize a non-leaf tensor (it has gradFn ${p.gradFn?.name})`);
      if (seen.has(p)) fail('InvalidArgument', `${name}: a parameter appears in more than one group`);
      floatStorage(p, `${name} parameter`);
      seen.add(p);
    }
    const group = { ...this.defaults, ...spec, params } as ParamGroup<H>;
    this.validate(group);
    this.paramGroups.push(group);
  }

  /** Checks a group's hyper-parameters (subclasses extend). */
  protected validate(group: ParamGroup<H>): void {
    if (!(group.lr >= 0)) fail('InvalidArgument', `${this.constructor.name}: lr must be >= 0, got ${group.lr}`);
  }

  /** Clears the gradients of every parameter. */
  zeroGrad(opts: ZeroGradOptions = {}): void {
    const setToNone = opts.setToNone ?? true;
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (!p.grad) continue;
        if (setToNone) p.grad = null;
        else floatStorage(p.grad, 'zeroGrad').fill(0);
      }
    }
  }

  /** Updates every parameter that has a gradient. */
  abstract step(): void;

  /** Every parameter, group by group (the order that state-dict indices count). */
  protected allParams(): Tensor[] {
    return this.paramGroups.flatMap((g) => g.params);
  }

  /** A snapshot of the optimizer's state (buffers are copied). */
  stateDict(): OptimizerStateDict {
    const state: Record<string, ParamState> = {};
    this.allParams().forEach((p, i) => {
      const s = this.state.get(p);
      if (!s) return;
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(s)) copy[k] = typeof v === 'number' ? v : copyOf(v);
      state[String(i)] = copy;
    });
    let index = 0;
    const paramGroups = this.paramGroups.map((g) => {
      const { params, ...hyper } = g;
      const ids = params.map(() => index++);
      return { ...structuredClone(hyper), params: ids };
    });
    return { state, param_groups: paramGroups };
  }

  /** Restores a state dict from `stateDict()`: same groups with the same parameter counts and shapes. */
  loadStateDict(sd: OptimizerStateDict): void {
    const name = this.constructor.name;
    if (!sd || !Array.isArray(sd.param_groups) || typeof sd.state !== 'object') {
      fail('StateDictMismatch', `${name}.loadStateDict: expected {state, param_groups}, got ${JSON.stringify(sd)?.slice(0, 80)}`);
    }
    if (sd.param_groups.length !== this.paramGroups.length) {
      fail('StateDictMismatch', `${name}.loadStateDict: expected ${this.paramGroups.length} parameter groups, got ${sd.param_groups.length}`);
    }
    sd.param_groups.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i].params.length) {
        fail('StateDictMismatch', `${name}.loadStateDict: group ${i} expected ${this.paramGroups[i].params.length} parameters, got ${g.params.length}`);
      }
    });
    const params = this.allParams();
    const byIndex = new Map<number, Tensor>();
    sd.param_groups.forEach((g, gi) => g.params.forEach((id, j) => byIndex.set(id, this.paramGroups[gi].params[j])));
    const newState = new Map<Tensor, ParamState>();
    for (const [key, s] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(key));
      if (!p) fail('StateDictMismatch', `${name}.loadStateDict: state for parameter ${key}, but there are ${params.length} parameters`);
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(s)) {
        if (typeof v === 'number') {
          copy[k] = v;
          continue;
        }
        if (!shapesEqual(v.shape, p.shape)) {
          fail('StateDictMismatch', `${name}.loadStateDict: state ${key}.${k} expected shape [${p.shape.join(', ')}], got [${v.shape.join(', ')}]`);
        }
        const buf = zerosLike(p);
        buf.data.set(v.dense());
        copy[k] = buf;
      }
      newState.set(p, copy);
    }
    sd.param_groups.forEach((g, i) => {
      const { params: _ids, ...hyper } = g;
      Object.assign(this.paramGroups[i], structuredClone(hyper));
    });
    this.state.clear();
    for (const [p, s] of newState) this.state.set(p, s);
  }
}
