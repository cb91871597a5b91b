import type { Tensor } from '../tensor/tensor.js';
import { RNNBase, type RNNOptions } from './rnn-base.js';

export interface ElmanRNNOptions extends RNNOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * A multi-layer Elman RNN (torch.nn.RNN): h_t = tanh(x_t W_ihᵀ + b_ih + h_{t-1} W_hhᵀ + b_hh), or ReLU.
 *
 * Args and shapes as LSTM, without the cell state: returns [output, h_n].
 *
 * Attributes: weight_ih_l{k} (H, in), weight_hh_l{k} (H, H), bias_ih_l{k}, bias_hh_l{k} (H); U(-1/√H, 1/√H).
 */
export class RNN extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: ElmanRNNOptions = {}) {
    super(opts.nonlinearity === 'relu' ? 'rnn_relu' : 'rnn_tanh', inputSize, hiddenSize, opts);
  }

  override forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const { output, hN } = this.runLayers(x, h0 ?? null, null);
    return [output, hN];
  }
}
