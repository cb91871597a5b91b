import { beginAllocationScope, endAllocationScope } from '../tensor/alloc.js';
import { beginCreationScope, endCreationScope, GraphOwnedStorage } from '../tensor/graph-owned.js';
import { Tensor } from '../tensor/tensor.js';
import { isGradEnabled } from './graph.js';

let open = false;

/**
 * Runs `body`, a piece of a model's forward pass, and hands the storage of every intermediate tensor it
 * creates to the autograd graph: all but the tensors it returns (alone, or in arrays and plain objects)
 * and their views. Once a backward pass
 * without `retainGraph` has run the nodes of every tensor on that storage, it goes back to the
 * allocator, and the next forward pass reuses it while it is still in cache; otherwise it would wait for
 * the garbage collector, whose collections the churn of external memory would trigger every few steps.
 *
 * PyTorch frees such tensors as soon as their last reference goes; JavaScript cannot tell, so only code
 * whose intermediates cannot reach the caller may use this: nothing created inside may be kept
 * elsewhere (a cache, a module attribute, a closure that outlives the call). Without gradients it
 * simply runs `body`; nested calls are covered by the outermost one.
 */
export function privateIntermediates<T>(body: () => T): T {
  if (open || !isGradEnabled()) return body();
  open = true;
  const allocated = beginAllocationScope();
  const created = beginCreationScope();
  let result: T;
  try {
    result = body();
  } finally {
    endCreationScope(created);
    endAllocationScope(allocated);
    open = false;
  }
  const published = new Set<ArrayBufferLike>();
  collectStorage(result, published);
  const holders = new Map<ArrayBufferLike, Tensor[]>();
  for (const t of created) {
    const buffer = t.data.buffer;
    if (published.has(buffer) || !allocated.has(buffer as ArrayBuffer)) continue;
    const list = holders.get(buffer);
    if (list) list.push(t);
    else holders.set(buffer, [t]);
  }
  for (const [buffer, list] of holders) {
    const storage = new GraphOwnedStorage(allocated.get(buffer as ArrayBuffer) as Float32Array, list);
    for (const t of list) t.graphOwned = storage;
  }
  return result;
}

/** The storage of every tensor in `value`: a tensor, or arrays and plain objects holding tensors. */
function collectStorage(value: unknown, into: Set<ArrayBufferLike>, depth = 0): void {
  if (value instanceof Tensor) into.add(value.data.buffer);
  else if (depth < 4 && value !== null && typeof value === 'object') {
    for (const item of Array.isArray(value) ? value : Object.values(value)) collectStorage(item, into, depth + 1);
  }
}
