import { add } from '../../autograd/ops/index.js';
import { fail } from '../../errors.js';
import { tensor } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { Dropout } from '../../nn/dropout.js';
import { Module } from '../../nn/module.js';

/**
 * The sinusoidal table of "Attention Is All You Need" (PyTorch's translation tutorial):
 *
 *     PE(pos, 2i) = sin(pos / 10000^(2i/E)),  PE(pos, 2i+1) = cos(pos / 10000^(2i/E))
 */
export function sinusoidalTable(maxPositions: number, dModel: number): Float32Array {
  const table = new Float32Array(maxPositions * dModel);
  for (let pos = 0; pos < maxPositions; pos++) {
    for (let i = 0; i < dModel; i += 2) {
      const angle = pos * Math.exp(-i * Math.log(10000) / dModel);
      table[pos * dModel + i] = Math.sin(angle);
      table[pos * dModel + i + 1] = Math.cos(angle);
    }
  }
  return table;
}

/**
 * x + PE[offset .. offset + T), then dropout. Shape: x (B, T, E) → (B, T, E). The table is computed,
 * not learned, so it is not in the state dict; it is computed up to the positions used so far (doubling),
 * so a large maxPositions costs nothing until those positions are reached.
 */
export class PositionalEncoding extends Module {
  readonly dropout: Dropout;
  private table: Float32Array = new Float32Array(0);

  constructor(readonly dModel: number, readonly maxPositions: number, dropout: number) {
    super();
    this.dropout = this.registerModule('dropout', new Dropout(dropout));
  }

  override forward(x: Tensor, offset = 0): Tensor {
    const T = x.shape[1];
    if (offset + T > this.maxPositions) {
      fail('InvalidArgument', `PositionalEncoding: positions up to ${offset + T} exceed maxPositions ${this.maxPositions}`);
    }
    const rows = this.rows(offset + T).slice(offset * this.dModel, (offset + T) * this.dModel);
    return this.dropout.forward(add(x, tensor(rows, { shape: [1, T, this.dModel] })));
  }

  /** The table with at least `positions` rows. */
  private rows(positions: number): Float32Array {
    if (this.table.length < positions * this.dModel) {
      const have = this.table.length / this.dModel;
      this.table = sinusoidalTable(Math.min(this.maxPositions, Math.max(positions, 2 * have, 64)), this.dModel);
    }
    return this.table;
  }
}
