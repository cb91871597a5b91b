import { fail } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module } from './module.js';

type TensorModule = Module<[Tensor], Tensor>;

/**
 * Chains modules: the output of each is the input of the next (torch.nn.Sequential). Children are
 * named "0", "1", ... so the state dict reads `0.weight`, `1.bias`.
 */
export class Sequential extends Module<[Tensor], Tensor> {
  private readonly items: TensorModule[] = [];

  constructor(...modules: TensorModule[]) {
    super();
    for (const m of modules) this.append(m);
  }

  append(m: TensorModule): this {
    this.registerModule(String(this.items.length), m);
    this.items.push(m);
    return this;
  }

  get length(): number {
    return this.items.length;
  }

  at(i: number): TensorModule {
    return this.items[checkIndex(i, this.items.length, 'Sequential')];
  }

  [Symbol.iterator](): Iterator<TensorModule> {
    return this.items[Symbol.iterator]();
  }

  override forward(x: Tensor): Tensor {
    for (const m of this.items) x = m.forward(x);
    return x;
  }
}

/** A list of modules registered as children "0", "1", ... (torch.nn.ModuleList); it has no forward. */
export class ModuleList<M extends Module = Module> extends Module<never[], never> {
  private readonly items: M[] = [];

  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.append(m);
  }

  append(m: M): this {
    this.registerModule(String(this.items.length), m);
    this.items.push(m);
    return this;
  }

  get length(): number {
    return this.items.length;
  }

  at(i: number): M {
    return this.items[checkIndex(i, this.items.length, 'ModuleList')];
  }

  [Symbol.iterator](): Iterator<M> {
    return this.items[Symbol.iterator]();
  }

  map<T>(fn: (m: M, i: number) => T): T[] {
    return this.items.map(fn);
  }
}

/** Modules under string keys, in insertion order (torch.nn.ModuleDict); it has no forward. */
export class ModuleDict<M extends Module = Module> extends Module<never[], never> {
  private readonly items = new Map<string, M>();

  constructor(modules: Record<string, M> | Iterable<[string, M]> = {}) {
    super();
    const entries = Symbol.iterator in modules ? modules as Iterable<[string, M]> : Object.entries(modules);
    for (const [k, m] of entries) this.set(k, m);
  }

  set(key: string, m: M): this {
    this.registerModule(key, m);
    this.items.set(key, m);
    return this;
  }

  get(key: string): M {
    const m = this.items.get(key);
    if (!m) fail('InvalidArgument', `ModuleDict: no module under key "${key}" (keys: ${[...this.items.keys()].join(', ')})`);
    return m;
  }

  has(key: string): boolean {
    return this.items.has(key);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  entries(): [string, M][] {
    return [...this.items.entries()];
  }

  get size(): number {
    return this.items.size;
  }
}

function checkIndex(i: number, n: number, what: string): number {
  const j = i < 0 ? i + n : i;
  if (!Number.isInteger(j) || j < 0 || j >= n) fail('IndexOutOfRange', `${what}: index ${i} out of range for ${n} modules`);
  return j;
}
