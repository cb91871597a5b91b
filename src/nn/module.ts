import { fail, LmkitError } from '../errors.js';
import type { FloatDType } from '../tensor/dtype.js';
import { shapesEqual } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { castRaw, contiguousRaw } from '../autograd/ops/util.js';
import { backendFor } from '../backend/index.js';
import { Parameter } from './parameter.js';

/** Name → tensor, under PyTorch's dotted names (`lstm.weight_ih_l0`, `layers.0.self_attn.in_proj_weight`). */
export type StateDict = Map<string, Tensor>;

export interface LoadStateDictOptions {
  /** Every key of the module must be in the dict and every key of the dict in the module (default true). */
  strict?: boolean;
}

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

/**
 * The base class of every layer and model, like torch.nn.Module. A module owns parameters, buffers and
 * child modules under names; the dotted paths of those names are the keys of its state dict.
 *
 * Registration is explicit (`registerParameter`, `registerBuffer`, `registerModule`, which let a field
 * named in camelCase carry PyTorch's snake_case name) or automatic: any own field holding a Parameter or
 * a Module that was not registered explicitly is registered under the field's name, in declaration order,
 * after the explicit ones.
 *
 * Subclasses implement `forward`; `call(...)` is the same call (the place for hooks later).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export class Module<Args extends unknown[] = any[], Out = any> {
  /** Training mode (dropout active); switched by `train()` / `eval()` for the whole tree. */
  training = true;
  private readonly registeredParameters = new Map<string, Parameter | null>();
  private readonly registeredBuffers = new Map<string, Tensor | null>();
  private readonly nonPersistentBuffers = new Set<string>();
  private readonly registeredModules = new Map<string, Module | null>();
  private readonly discoveredNames = new Set<string>();

  forward(...args: Args): Out {
    void args;
    fail('Unsupported', `${this.constructor.name}: forward() is not implemented`);
  }

  /** Runs `forward` (module(x) in PyTorch). */
  call(...args: Args): Out {
    return this.forward(...args);
  }

  /** Registers (or replaces) a parameter under `name`; null registers the name with no tensor (like bias=None). */
  registerParameter<P extends Parameter | null>(name: string, param: P): P {
    checkName(name, this);
    this.registeredParameters.set(name, param);
    return param;
  }

  /** Registers a buffer: state that is not learned (running statistics, masks). Non-persistent buffers stay out of the state dict. */
  registerBuffer<T extends Tensor | null>(name: string, tensor: T, persistent = true): T {
    checkName(name, this);
    this.registeredBuffers.set(name, tensor);
    if (persistent) this.nonPersistentBuffers.delete(name);
    else this.nonPersistentBuffers.add(name);
    return tensor;
  }

  /** Registers a child module under `name`. */
  registerModule<M extends Module | null>(name: string, module: M): M {
    checkName(name, this);
    this.registeredModules.set(name, module);
    return module;
  }

  /** Registers Parameter and Module fields that were not registered explicitly (see the class comment). */
  private discoverFields(): void {
    let known: Set<unknown> | null = null;
    for (const key of Object.keys(this)) {
      const v = (this as Record<string, unknown>)[key];
      if (!(v instanceof Parameter) && !(v instanceof Module)) continue;
      const auto = this.discoveredNames.has(key);
      // An explicit registration under the same name wins over the field.
      if (!auto && (this.registeredParameters.has(key) || this.registeredModules.has(key))) continue;
      known ??= new Set<unknown>([...this.registeredParameters.values(), ...this.registeredModules.values()]);
      if (known.has(v)) continue;
      // A discovered field that was reassigned keeps its place with the new value.
      if (v instanceof Parameter) this.registeredParameters.set(key, v);
      else this.registeredModules.set(key, v);
      this.discoveredNames.add(key);
      known.add(v);
    }
  }

  /** The direct children with their names. */
  namedChildren(): [string, Module][] {
    this.discoverFields();
    const out: [string, Module][] = [];
    for (const [name, m] of this.registeredModules) if (m) out.push([name, m]);
    return out;
  }

  children(): Module[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, depth first, with dotted names ('' for this one). */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [];
    const seen = new Set<Module>();
    const walk = (m: Module, name: string) => {
      if (seen.has(m)) return;
      seen.add(m);
      out.push([name, m]);
      for (const [child, c] of m.namedChildren()) walk(c, name ? `${name}.${child}` : child);
    };
    walk(this, prefix);
    return out;
  }

  modules(): Module[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Own parameters (with their local names), then those of children; a tensor shared by two modules is listed once. */
  namedParameters(prefix = '', recurse = true): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    const mods: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mname, m] of mods) {
      m.discoverFields();
      for (const [name, p] of m.registeredParameters) {
        if (!p || seen.has(p)) continue;
        seen.add(p);
        out.push([mname ? `${mname}.${name}` : name, p]);
      }
    }
    return out;
  }

  parameters(recurse = true): Parameter[] {
    return this.namedParameters('', recurse).map(([, p]) => p);
  }

  namedBuffers(prefix = '', recurse = true): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const mods: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mname, m] of mods) {
      for (const [name, b] of m.registeredBuffers) if (b) out.push([mname ? `${mname}.${name}` : name, b]);
    }
    return out;
  }

  buffers(recurse = true): Tensor[] {
    return this.namedBuffers('', recurse).map(([, b]) => b);
  }

  /** Number of parameter elements (each shared tensor counted once). */
  numParameters(onlyTrainable = false): number {
    return this.parameters().reduce((n, p) => n + (onlyTrainable && !p.requiresGrad ? 0 : p.size), 0);
  }

  /** Sets training mode on this module and every descendant. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  /** Turns gradients on or off for every parameter (freezing a module with false). */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad = flag;
    return this;
  }

  /** Clears the gradients of every parameter (sets them to null, PyTorch's default). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.grad = null;
  }

  /** Calls `fn` on every descendant (children first) and then on this module, like torch's apply. */
  apply(fn: (m: Module) => void): this {
    for (const c of this.children()) c.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Parameters and persistent buffers under PyTorch's dotted names, in PyTorch's order (a module's own
   * parameters, its buffers, then each child's). The tensors share storage with the module (detached).
   */
  stateDict(prefix = ''): StateDict {
    const out: StateDict = new Map();
    const collect = (m: Module, p: string) => {
      m.discoverFields();
      for (const [name, t] of m.registeredParameters) if (t) out.set(p + name, detached(t));
      for (const [name, t] of m.registeredBuffers) {
        if (t && !m.nonPersistentBuffers.has(name)) out.set(p + name, detached(t));
      }
      for (const [name, c] of m.registeredModules) if (c) collect(c, `${p}${name}.`);
    };
    collect(this, prefix);
    return out;
  }

  /**
   * Copies tensors from `stateDict` into this module's parameters and buffers (in place, converting the
   * dtype when needed). Shape differences are always an error; with `strict` (the default) missing and
   * unexpected keys are too. The error (LmkitError 'StateDictMismatch') lists every problem at once.
   */
  loadStateDict(stateDict: StateDict | Record<string, Tensor>, opts: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = opts.strict ?? true;
    const given = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
    const own = this.stateDict();
    const missingKeys = [...own.keys()].filter((k) => !given.has(k));
    const unexpectedKeys = [...given.keys()].filter((k) => !own.has(k));
    const shapeErrors: string[] = [];
    for (const [k, t] of own) {
      const src = given.get(k);
      if (src && !shapesEqual(src.shape, t.shape)) {
        shapeErrors.push(`${k}: expected shape [${t.shape.join(', ')}], got [${src.shape.join(', ')}]`);
      }
    }
    const problems: string[] = [];
    if (strict && missingKeys.length) problems.push(`missing keys: ${missingKeys.join(', ')}`);
    if (strict && unexpectedKeys.length) problems.push(`unexpected keys: ${unexpectedKeys.join(', ')}`);
    if (shapeErrors.length) problems.push(`shape differences: ${shapeErrors.join('; ')}`);
    if (problems.length) {
      throw new LmkitError('StateDictMismatch', `loadStateDict into ${this.constructor.name}: ${problems.join('. ')}`);
    }
    for (const [k, t] of own) {
      const src = given.get(k);
      if (src) copyValues(src, t);
    }
    return { missingKeys, unexpectedKeys };
  }

  /** Converts every float parameter and buffer to `dtype` in place (gradients are dropped). */
  to(dtype: FloatDType): this {
    for (const m of this.modules()) {
      m.discoverFields();
      for (const t of [...m.registeredParameters.values(), ...m.registeredBuffers.values()]) {
        if (!t || t.dtype === dtype || (t.dtype !== 'float32' && t.dtype !== 'float64')) continue;
        const converted = contiguousRaw(castRaw(t, dtype));
        // Like PyTorch's `param.data = ...`: the object stays (fields and optimizers keep pointing to it).
        const w = t as { data: Tensor['data']; dtype: Tensor['dtype']; strides: number[]; offset: number };
        w.data = converted.data;
        w.dtype = dtype;
        w.strides = converted.strides.slice();
        w.offset = 0;
        t.grad = null;
      }
    }
    return this;
  }

  double(): this {
    return this.to('float64');
  }

  float(): this {
    return this.to('float32');
  }

  /** The module's own settings for its printed form (PyTorch's extra_repr), e.g. "in_features=3, out_features=5". */
  extraRepr(): string {
    return '';
  }

  /** PyTorch's printed form of the module tree, followed (at the top) by the parameter count. */
  toString(): string {
    return `${this.repr()}\n(${this.numParameters().toLocaleString('en-US')} parameters)`;
  }

  private repr(): string {
    const children = this.namedChildren();
    const extra = this.extraRepr();
    if (children.length === 0) return `${this.constructor.name}(${extra})`;
    const lines = extra ? extra.split('\n') : [];
    for (const [name, c] of children) lines.push(`(${name}): ${c.repr().split('\n').join('\n  ')}`);
    return `${this.constructor.name}(\n  ${lines.join('\n  ')}\n)`;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.repr();
  }
}

/** A tensor sharing `t`'s storage, outside the graph. */
function detached(t: Tensor): Tensor {
  return new Tensor(t.data, t.shape.slice(), t.dtype, t.strides.slice(), t.offset);
}

function checkName(name: string, m: Module): void {
  if (name === '' || name.includes('.')) {
    fail('InvalidArgument', `${m.constructor.name}: a parameter, buffer or module name must be non-empty without ".", got "${name}"`);
  }
}

/** Writes the values of `src` into the storage of `dst` (same shape), converting the dtype. */
function copyValues(src: Tensor, dst: Tensor): void {
  const out = dst.data;
  const n = dst.size;
  const dense = src.dtype === 'float64' || dst.dtype === 'float64' ? 'float64' : dst.dtype;
  const values = src.dense();
  if (!dst.isContiguous()) fail('InvalidArgument', 'loadStateDict: the module holds a non-contiguous tensor');
  if (values.constructor === out.constructor) {
    out.set(values.subarray(0, n), dst.offset);
    return;
  }
  backendFor(dense).copy({ data: values, offset: 0, strides: contiguousStridesOf(src.shape) }, out.subarray(dst.offset, dst.offset + n), dst.shape);
}

function contiguousStridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * A deep copy of a module: fresh parameter and buffer storage with the same values, the same structure
 * (what PyTorch's copy.deepcopy gives TransformerEncoder for its stacked layers).
 */
export function deepCopyModule<M extends Module>(module: M): M {
  const memo = new Map<unknown, unknown>();
  const copy = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (memo.has(v)) return memo.get(v);
    if (v instanceof Tensor) {
      const data = v.toTypedArray();
      const t = v instanceof Parameter
        ? new Parameter(new Tensor(data, v.shape.slice(), v.dtype), v.requiresGrad)
        : new Tensor(data, v.shape.slice(), v.dtype);
      memo.set(v, t);
      return t;
    }
    if (v instanceof Map) {
      const m = new Map();
      memo.set(v, m);
      for (const [k, x] of v) m.set(k, copy(x));
      return m;
    }
    if (v instanceof Set) {
      const s = new Set();
      memo.set(v, s);
      for (const x of v) s.add(copy(x));
      return s;
    }
    if (Array.isArray(v)) {
      const a: unknown[] = [];
      memo.set(v, a);
      for (const x of v) a.push(copy(x));
      return a;
    }
    const proto = Object.getPrototypeOf(v);
    // Other objects (a Generator, a typed array) are shared, as the modules that hold them expect.
    if (!(v instanceof Module) && proto !== Object.prototype && proto !== null) return v;
    const o = Object.create(proto) as Record<string, unknown>;
    memo.set(v, o);
    for (const key of Object.keys(v)) o[key] = copy((v as Record<string, unknown>)[key]);
    return o;
  };
  return copy(module) as M;
}
