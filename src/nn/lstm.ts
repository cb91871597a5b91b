import type { Tensor } from '../tensor/tensor.js';
import { RNNBase, type RNNOptions } from './rnn-base.js';

/**
 * A multi-layer long short-term memory RNN (torch.nn.LSTM). For each step t:
 *
 *     i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)
 *     f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)
 *     g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)
 *     o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)
 *     c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
 *     h_t = o_t ⊙ tanh(c_t)
 *
 * Args: `inputSize`, `hiddenSize`; options numLayers (1), bias (true), batchFirst (false), dropout (0),
 * bidirectional (false), dtype, generator.
 *
 * Shape (N batch, L sequence, D = 2 if bidirectional else 1):
 * - input (L, N, H_in), (N, L, H_in) with batchFirst, or (L, H_in);
 * - h_0, c_0 (D·num_layers, N, H), zeros when omitted;
 * - returns [output (L, N, D·H) (or (N, L, D·H)), [h_n, c_n]] with h_n, c_n (D·num_layers, N, H).
 *
 * Attributes: weight_ih_l{k} (4H, in) = W_i|W_f|W_g|W_o, weight_hh_l{k} (4H, H), bias_ih_l{k},
 * bias_hh_l{k} (4H), with `_reverse` twins; all U(-1/√H, 1/√H).
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, opts: RNNOptions = {}) {
    super('lstm', inputSize, hiddenSize, opts);
  }

  override forward(x: Tensor, state?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    const { output, hN, cN } = this.runLayers(x, state?.[0] ?? null, state?.[1] ?? null);
    return [output, [hN, cN!]];
  }
}
