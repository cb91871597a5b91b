import type { Tensor } from '../tensor/tensor.js';
import { RNNBase, type RNNOptions } from './rnn-base.js';

/**
 * A multi-layer gated recurrent unit RNN (torch.nn.GRU). For each step t:
 *
 *     r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
 *     z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
 *     n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))
 *     h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}
 *
 * Args and shapes as LSTM, without the cell state: returns [output, h_n].
 *
 * Attributes: weight_ih_l{k} (3H, in) = W_r|W_z|W_n, weight_hh_l{k} (3H, H), biases (3H); U(-1/√H, 1/√H).
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super('gru', inputSize, hiddenSize, opts);
  }

  override forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const { output, hN } = this.runLayers(x, h0 ?? null, null);
    return [output, hN];
  }
}
