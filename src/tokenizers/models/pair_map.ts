/**
 * An open-addressing hash table from a pair of non-negative int32 ids to two int32 values (for BPE:
 * the merge's rank and the merged token's id). Faster than a Map keyed by strings or large numbers.
 */
export class PairMap {
  private keysA: Int32Array;
  private keysB: Int32Array;
  private valuesRank: Int32Array;
  private valuesId: Int32Array;
  private mask: number;
  size = 0;

  constructor(expected = 16) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.keysA = new Int32Array(cap).fill(-1);
    this.keysB = new Int32Array(cap);
    this.valuesRank = new Int32Array(cap);
    this.valuesId = new Int32Array(cap);
    this.mask = cap - 1;
  }

  private slot(a: number, b: number): number {
    let h = (Math.imul(a, 0x9e3779b1) + b) | 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
    let i = h & this.mask;
    while (this.keysA[i] !== -1 && (this.keysA[i] !== a || this.keysB[i] !== b)) i = (i + 1) & this.mask;
    return i;
  }

  /** Sets (a, b) → (rank, id) unless (a, b) is already present; returns whether it was added. */
  setIfAbsent(a: number, b: number, rank: number, id: number): boolean {
    if ((this.size + 1) * 2 > this.keysA.length) this.grow();
    const i = this.slot(a, b);
    if (this.keysA[i] !== -1) return false;
    this.keysA[i] = a;
    this.keysB[i] = b;
    this.valuesRank[i] = rank;
    this.valuesId[i] = id;
    this.size++;
    return true;
  }

  /** The rank of (a, b), or -1. */
  rank(a: number, b: number): number {
    const i = this.slot(a, b);
    return this.keysA[i] === -1 ? -1 : this.valuesRank[i];
  }

  /** The merged id of (a, b), or -1. */
  id(a: number, b: number): number {
    const i = this.slot(a, b);
    return this.keysA[i] === -1 ? -1 : this.valuesId[i];
  }

  private grow(): void {
    const { keysA, keysB, valuesRank, valuesId } = this;
    const cap = keysA.length * 2;
    this.keysA = new Int32Array(cap).fill(-1);
    this.keysB = new Int32Array(cap);
    this.valuesRank = new Int32Array(cap);
    this.valuesId = new Int32Array(cap);
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < keysA.length; i++) if (keysA[i] !== -1) this.setIfAbsent(keysA[i], keysB[i], valuesRank[i], valuesId[i]);
  }
}
