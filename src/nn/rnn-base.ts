import { cat, dropout, recurrentLayer, type RecurrentMode, slice, stack, transpose, unsqueeze, squeeze } from '../autograd/ops/index.js';
import { fail } from '../errors.js';
import { zeros } from '../tensor/create.js';
import type { Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { uniform_ } from './init.js';
import { Module } from './module.js';
import { emptyParameter, type LayerOptions, type Parameter } from './parameter.js';

export interface RNNOptions extends LayerOptions {
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Learn b_ih and b_hh (default true). */
  bias?: boolean;
  /** Input and output are (batch, seq, feature) instead of (seq, batch, feature) (default false). */
  batchFirst?: boolean;
  /** Dropout on the outputs of every layer but the last, while training (default 0). */
  dropout?: number;
  /** Run a second direction from the end of the sequence; outputs are concatenated (default false). */
  bidirectional?: boolean;
  /** Generator for the dropout between layers (the global one by default). */
  dropoutGenerator?: Generator;
}

interface LayerWeights {
  weightIh: Parameter;
  weightHh: Parameter;
  biasIh: Parameter | null;
  biasHh: Parameter | null;
}

/**
 * What RNN, LSTM and GRU share (PyTorch's RNNBase): parameters `weight_ih_l{k}`, `weight_hh_l{k}`,
 * `bias_ih_l{k}`, `bias_hh_l{k}` (plus `_reverse` for the second direction), all drawn from
 * U(-√k, √k) with k = 1/hidden_size; each layer and direction runs as one fused autograd node
 * (`recurrentLayer`).
 */
export class RNNBase extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  private readonly dropoutGenerator: Generator | undefined;
  private readonly layers: LayerWeights[][] = [];

  constructor(readonly mode: RecurrentMode, readonly inputSize: number, readonly hiddenSize: number, opts: RNNOptions = {}) {
    super();
    const name = modeName(mode);
    this.numLayers = opts.numLayers ?? 1;
    this.bias = opts.bias ?? true;
    this.batchFirst = opts.batchFirst ?? false;
    this.dropout = opts.dropout ?? 0;
    this.bidirectional = opts.bidirectional ?? false;
    this.dropoutGenerator = opts.dropoutGenerator;
    if (!Number.isInteger(hiddenSize) || hiddenSize <= 0) fail('InvalidArgument', `${name}: hidden_size must be a positive integer, got ${hiddenSize}`);
    if (!Number.isInteger(this.numLayers) || this.numLayers <= 0) fail('InvalidArgument', `${name}: num_layers must be a positive integer, got ${this.numLayers}`);
    if (!(this.dropout >= 0 && this.dropout <= 1)) fail('InvalidArgument', `${name}: dropout must be in [0, 1], got ${this.dropout}`);
    const gateSize = { lstm: 4, gru: 3, rnn_tanh: 1, rnn_relu: 1 }[mode] * hiddenSize;
    const dirs = this.bidirectional ? 2 : 1;
    for (let layer = 0; layer < this.numLayers; layer++) {
      const layerInput = layer === 0 ? inputSize : hiddenSize * dirs;
      const perDir: LayerWeights[] = [];
      for (let dir = 0; dir < dirs; dir++) {
        const sfx = `_l${layer}${dir === 1 ? '_reverse' : ''}`;
        perDir.push({
          weightIh: this.registerParameter(`weight_ih${sfx}`, emptyParameter([gateSize, layerInput], opts)),
          weightHh: this.registerParameter(`weight_hh${sfx}`, emptyParameter([gateSize, hiddenSize], opts)),
          biasIh: this.bias ? this.registerParameter(`bias_ih${sfx}`, emptyParameter([gateSize], opts)) : null,
          biasHh: this.bias ? this.registerParameter(`bias_hh${sfx}`, emptyParameter([gateSize], opts)) : null,
        });
      }
      this.layers.push(perDir);
    }
    const bound = 1 / Math.sqrt(hiddenSize);
    for (const p of this.parameters()) uniform_(p, -bound, bound, opts.generator);
  }

  /**
   * Runs every layer and direction. x is (L, N, I), or (N, L, I) with batchFirst, or unbatched (L, I);
   * h0 and c0 are (numLayers·D, N, H) (unbatched: (numLayers·D, H)), zeros when omitted.
   */
  protected runLayers(x: Tensor, h0: Tensor | null, c0: Tensor | null): { output: Tensor; hN: Tensor; cN: Tensor | null } {
    const name = modeName(this.mode);
    const unbatched = x.ndim === 2;
    if (x.ndim !== 2 && x.ndim !== 3) fail('ShapeMismatch', `${name}: expected a 2-D or 3-D input, got shape [${x.shape.join(', ')}]`);
    if (x.shape[x.ndim - 1] !== this.inputSize) {
      fail('ShapeMismatch', `${name}: input.size(-1) must be equal to input_size. Expected ${this.inputSize}, got ${x.shape[x.ndim - 1]}`);
    }
    let seq = unbatched ? unsqueeze(x, 1) : this.batchFirst ? transpose(x, 0, 1) : x; // (T, B, I)
    const B = seq.shape[1];
    const dirs = this.bidirectional ? 2 : 1;
    const stateShape = [this.numLayers * dirs, B, this.hiddenSize];
    const state = (s: Tensor | null, what: string): Tensor => {
      if (!s) return zeros(stateShape, { dtype: x.dtype });
      const s3 = unbatched ? (s.ndim === 2 ? unsqueeze(s, 1) : s) : s;
      if (s3.ndim !== 3 || s3.shape.some((d, i) => d !== stateShape[i])) {
        fail('ShapeMismatch', `${name}: Expected ${what} size (${stateShape.join(', ')}), got [${s.shape.join(', ')}]`);
      }
      return s3;
    };
    const h = state(h0, 'hidden');
    const c = this.mode === 'lstm' ? state(c0, 'cell state') : null;
    const hN: Tensor[] = [];
    const cN: Tensor[] = [];
    for (let layer = 0; layer < this.numLayers; layer++) {
      const outs: Tensor[] = [];
      for (let dir = 0; dir < dirs; dir++) {
        const idx = layer * dirs + dir;
        const r = recurrentLayer(this.mode, seq, slice(h, idx), c ? slice(c, idx) : null, this.layers[layer][dir], dir === 1);
        outs.push(r.output);
        hN.push(r.hN);
        if (r.cN) cN.push(r.cN);
      }
      seq = dirs === 2 ? cat(outs, 2) : outs[0];
      if (this.training && this.dropout > 0 && layer < this.numLayers - 1) {
        seq = dropout(seq, this.dropout, true, this.dropoutGenerator);
      }
    }
    let output = seq;
    let hOut = stack(hN, 0);
    let cOut = c ? stack(cN, 0) : null;
    if (unbatched) {
      output = squeeze(output, 1);
      hOut = squeeze(hOut, 1);
      cOut = cOut ? squeeze(cOut, 1) : null;
    } else if (this.batchFirst) output = transpose(output, 0, 1);
    return { output, hN: hOut, cN: cOut };
  }

  override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.mode === 'rnn_relu') s += ", nonlinearity='relu'";
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += ', bias=False';
    if (this.batchFirst) s += ', batch_first=True';
    if (this.dropout !== 0) s += `, dropout=${this.dropout}`;
    if (this.bidirectional) s += ', bidirectional=True';
    return s;
  }
}

function modeName(mode: RecurrentMode): string {
  return mode === 'lstm' ? 'LSTM' : mode === 'gru' ? 'GRU' : 'RNN';
}
