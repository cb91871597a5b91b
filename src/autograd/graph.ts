import { fail } from '../errors.js';
import type { AnyArray } from '../tensor/dtype.js';
import { shapesEqual } from '../tensor/shape.js';
import { castRaw } from './ops/util.js';
import { beginAllocationScope, endAllocationScope, recycleFloat32, releaseScratch } from '../tensor/alloc.js';
import type { GraphOwnedStorage } from '../tensor/graph-owned.js';
import { type GradFn, Tensor } from '../tensor/tensor.js';

/**
 * Computes the gradients of an op's inputs from the gradient of its output (null: no gradient).
 * `partial(i)` is the sum of input i's gradients so far when the op may add its own term into it in
 * place (contiguous, nothing else refers to its storage), else null; an op that does so returns that
 * very tensor as input i's gradient.
 */
export type BackwardFn = (gradOutput: Tensor, partial: (input: number) => Tensor | null) => readonly (Tensor | null | undefined)[];

/** One recorded op in the define-by-run graph. */
export class Node implements GradFn {
  constructor(
    readonly name: string,
    readonly inputs: readonly (Tensor | null)[],
    public backwardFn: BackwardFn | null,
  ) {}
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` without recording a graph (like torch.no_grad()). Works with async functions too. */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  let result: T;
  try {
    result = fn();
  } catch (e) {
    gradEnabled = prev;
    throw e;
  }
  if (result instanceof Promise) {
    return result.finally(() => {
      gradEnabled = prev;
    }) as T;
  }
  gradEnabled = prev;
  return result;
}

/** Runs `fn` with recording on, even inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = true;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/** True when an op over these inputs must be recorded. */
export function needsGrad(a: Tensor | null, b?: Tensor | null, c?: Tensor | null): boolean {
  return gradEnabled && ((a !== null && a.requiresGrad) || (!!b && b.requiresGrad) || (!!c && c.requiresGrad));
}

export function needsGradAny(inputs: readonly (Tensor | null)[]): boolean {
  if (!gradEnabled) return false;
  for (const t of inputs) if (t && t.requiresGrad) return true;
  return false;
}

/** Marks `out` as produced by op `name` from `inputs` when any input requires a gradient. */
export function record(out: Tensor, name: string, inputs: readonly (Tensor | null)[], backward: BackwardFn): Tensor {
  if (needsGradAny(inputs)) {
    out.requiresGrad = true;
    out.gradFn = new Node(name, inputs, backward);
  }
  return out;
}

let freeingGraph = false;

/**
 * Called by a backward function about an array it saved and never exposed: while the function runs for
 * the last time (backward without retainGraph), the array goes back to the allocator's pool.
 */
export function releaseSavedArray(data: AnyArray): void {
  if (freeingGraph && data instanceof Float32Array) releaseScratch(data);
}

/** Frees forward storage that only the graph could reach once every node that read it has run. */
function releaseIfDone(storage: GraphOwnedStorage): void {
  if (storage.released) return;
  for (const t of storage.holders) {
    const fn = t.gradFn as Node | null;
    if (!fn || fn.backwardFn !== null) return;
  }
  storage.released = true;
  for (const t of storage.holders) t.graphOwned = null;
  releaseScratch(storage.array);
}

export interface BackwardOptions {
  /** Keep the graph so backward can run through it again. */
  retainGraph?: boolean;
}

type Add = (a: Tensor, b: Tensor) => Tensor;
/** acc += b in place (acc owns its whole contiguous storage); false when the op layer cannot. */
type AddInto = (acc: Tensor, b: Tensor) => boolean;
type Unary = (t: Tensor) => Tensor;
let addTensors: Add | null = null;
let accumulateInto: AddInto = () => false;
let onesFor: Unary | null = null;
let cloneOf: Unary | null = null;

/** Wiring from the op layer (graph.ts cannot import ops without a cycle). */
export function setGradHelpers(add: Add, ones: Unary, clone: Unary, addInto?: AddInto): void {
  addTensors = add;
  if (addInto) accumulateInto = addInto;
  onesFor = ones;
  cloneOf = clone;
}

function topoOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const inputs = t.gradFn ? t.gradFn.inputs : [];
    if (i < inputs.length) {
      top[1]++;
      const next = inputs[i];
      if (next && next.requiresGrad && !seen.has(next)) {
        seen.add(next);
        stack.push([next, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }
  return order.reverse();
}

/**
 * Back-propagates from `root`: gradients accumulate into `.grad` of every leaf that requires one (and
 * of tensors that called retainGrad()). Without `grad`, `root` must hold one element.
 */
export function backward(root: Tensor, grad?: Tensor, opts?: BackwardOptions): void {
  if (!root.requiresGrad) fail('NotDifferentiable', 'backward(): the tensor does not require grad and has no grad_fn');
  if (!addTensors || !onesFor || !cloneOf) fail('Unsupported', 'backward(): ops are not loaded');
  const add = addTensors;
  const clone = cloneOf;
  let seed: Tensor;
  if (grad) {
    if (!shapesEqual(grad.shape, root.shape)) {
      fail('ShapeMismatch', `backward(): gradient shape [${grad.shape.join(', ')}] does not match tensor shape [${root.shape.join(', ')}]`);
    }
    seed = grad;
  } else {
    if (root.size !== 1) fail('InvalidArgument', `backward(): grad can be implicitly created only for one-element outputs, got shape [${root.shape.join(', ')}]`);
    seed = onesFor(root);
  }
  const order = topoOrder(root);
  const grads = new Map<Tensor, Tensor>([[root, seed]]);
  const prev = gradEnabled;
  gradEnabled = false;
  // Large gradients allocated during this pass go back to the allocator's pool once no pending gradient
  // (nor a view of one) refers to their storage any more: see src/tensor/alloc.ts.
  const scope = beginAllocationScope();
  const refs = new Map<ArrayBuffer, number>();
  const hold = (x: Tensor): void => {
    const buf = x.data.buffer as ArrayBuffer;
    if (scope.has(buf)) refs.set(buf, (refs.get(buf) ?? 0) + 1);
  };
  const release = (x: Tensor): void => {
    const buf = x.data.buffer as ArrayBuffer;
    const n = refs.get(buf);
    if (n === undefined) return;
    if (n > 1) refs.set(buf, n - 1);
    else {
      refs.delete(buf);
      recycleFloat32(scope, buf);
    }
  };
  // A gradient computed in this pass whose whole storage only the gradient map refers to: it can take the
  // next term of a sum in place, or become a leaf's .grad without a copy.
  const ownedAlone = (x: Tensor): boolean => {
    const buf = x.data.buffer as ArrayBuffer;
    return refs.get(buf) === 1 && scope.get(buf) === x.data && x.offset === 0 && x.data.length === x.size && x.isContiguous();
  };
  const adopt = (x: Tensor): Tensor => {
    if (!ownedAlone(x)) return clone(x);
    const buf = x.data.buffer as ArrayBuffer;
    refs.delete(buf);
    scope.delete(buf);
    return new Tensor(x.data, x.shape.slice(), x.dtype);
  };
  try {
    for (const t of order) {
      const g = grads.get(t);
      if (!g) continue;
      grads.delete(t);
      const fn = t.gradFn as Node | null;
      // A leaf's .grad is its own contiguous tensor: optimizers and clipping update it in place.
      if (!fn) t.grad = t.grad ? add(t.grad, g) : adopt(g);
      else if (t.retainsGrad) t.grad = t.grad ? add(t.grad, g) : clone(g);
      if (!fn) {
        release(g);
        continue;
      }
      if (!fn.backwardFn) {
        fail('GraphFreed', `backward(): trying to backward through the graph a second time (op ${fn.name}); pass {retainGraph: true} the first time`);
      }
      freeingGraph = !opts?.retainGraph;
      let inputGrads: readonly (Tensor | null | undefined)[];
      const partial = (i: number): Tensor | null => {
        const input = fn.inputs[i];
        const acc = input ? grads.get(input) : undefined;
        return acc && ownedAlone(acc) ? acc : null;
      };
      try {
        inputGrads = fn.backwardFn(g, partial);
      } finally {
        freeingGraph = false;
      }
      if (!opts?.retainGraph) fn.backwardFn = null;
      // Gradients consumed here (g, and partial sums replaced by their total) are released only after
      // every input's gradient is held, since those may be views of them.
      const consumed: Tensor[] = [g];
      fn.inputs.forEach((input, i) => {
        let gi = inputGrads[i];
        if (!input || !input.requiresGrad || !gi) return;
        // A gradient has its input's dtype (an op that promoted float32 to float64 casts back, as PyTorch).
        if (gi.dtype !== input.dtype) gi = castRaw(gi, input.dtype);
        if (!shapesEqual(gi.shape, input.shape)) {
          fail('ShapeMismatch', `backward of ${fn.name}: gradient shape [${gi.shape.join(', ')}] for input of shape [${input.shape.join(', ')}]`);
        }
        const acc = grads.get(input);
        if (gi === acc) return; // the op added its term into the partial sum itself
        if (acc && ownedAlone(acc) && accumulateInto(acc, gi)) {
          hold(gi);
          consumed.push(gi);
          return;
        }
        const total = acc ? add(acc, gi) : gi;
        hold(total);
        if (acc) {
          hold(gi);
          consumed.push(acc, gi);
        }
        grads.set(input, total);
      });
      for (const x of consumed) release(x);
    }
    if (!opts?.retainGraph) for (const t of order) if (t.graphOwned) releaseIfDone(t.graphOwned);
  } finally {
    endAllocationScope(scope);
    gradEnabled = prev;
  }
}
