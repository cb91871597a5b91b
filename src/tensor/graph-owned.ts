import type { Tensor } from './tensor.js';

/**
 * Storage that only the autograd graph can reach: the large float32 array behind intermediate tensors
 * of a forward pass (see `privateIntermediates` in src/autograd). `holders` are every tensor that reads
 * it; once the backward pass has run the node of each, the array goes back to the allocator's pool.
 */
export class GraphOwnedStorage {
  released = false;
  constructor(readonly array: Float32Array, readonly holders: Tensor[]) {}
}

const openScopes: Tensor[][] = [];

/** Called by the Tensor constructor: records `t` in the innermost open creation scope. */
export function noteCreated(t: Tensor): void {
  const n = openScopes.length;
  if (n > 0) openScopes[n - 1].push(t);
}

/** Starts recording every tensor created from now on (until `endCreationScope`). */
export function beginCreationScope(): Tensor[] {
  const created: Tensor[] = [];
  openScopes.push(created);
  return created;
}

export function endCreationScope(created: Tensor[]): void {
  const i = openScopes.lastIndexOf(created);
  if (i >= 0) openScopes.splice(i, 1);
}
