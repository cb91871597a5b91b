/**
 * Recurrent language models: the design document's generator, Embedding → LSTM (or GRU, or Elman RNN)
 * → Linear, under the parameter names `embedding.`, `lstm.` (`gru.`, `rnn.`) and `fc.`.
 *
 * Legend: B batch size, T sequence length, E embedding size, H hidden size, L layers, V vocabulary.
 *
 * `forward(ids)` returns the logits alone (the recurrent layer's tuple stays inside). For truncated
 * backpropagation through time set `carryState`: each call then starts from the state the previous call
 * ended in, detached from its graph, so gradients stop at the batch boundary while the memory goes on.
 */
import '../autograd/methods.js'; // Tensor methods (detach, ...)
import { crossEntropy, reshape, slice } from '../autograd/ops/index.js';
import { privateIntermediates } from '../autograd/private-intermediates.js';
import { fail } from '../errors.js';
import { generate, generateStream, type GenerationResult, type StreamChunk } from '../generation/generate.js';
import type { TokenInput } from '../generation/options.js';
import type { CausalLM, CausalLMForwardOptions, GenerationOptions, KVCache } from '../generation/types.js';
import { Embedding } from '../nn/embedding.js';
import { GRU } from '../nn/gru.js';
import { Linear } from '../nn/linear.js';
import { LSTM } from '../nn/lstm.js';
import { Module } from '../nn/module.js';
import type { LayerOptions } from '../nn/parameter.js';
import { RNN } from '../nn/rnn.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';

export type RecurrentCell = 'lstm' | 'gru' | 'rnn';

/** The memory between calls: h (and c for an LSTM), each (L, B, H). */
export interface RecurrentState {
  h: Tensor;
  c: Tensor | null;
}

export interface RecurrentLMOptions extends LayerOptions {
  /** Dropout between recurrent layers while training (default 0). */
  dropout?: number;
}

/** Generation's cache for a recurrent model: its state, with rows moved along with the beams. */
class RecurrentCache implements KVCache {
  length = 0;
  state: RecurrentState | null = null;

  reorder(order: readonly number[]): void {
    if (!this.state) return;
    const rows = (t: Tensor): Tensor => {
      const [L, B, H] = t.shape;
      const src = t.dense();
      const out = new Float32Array(L * B * H);
      for (let l = 0; l < L; l++) {
        order.forEach((from, to) => out.set(src.subarray((l * B + from) * H, (l * B + from + 1) * H), (l * B + to) * H));
      }
      return tensor(out, { shape: [L, B, H] });
    };
    this.state = { h: rows(this.state.h), c: this.state.c ? rows(this.state.c) : null };
  }
}

/**
 * Embedding → recurrent layers → Linear over the hidden states: logits for the next token at every
 * position.
 *
 * Shape: ids (B, T) int32 → logits (B, T, V).
 *
 * Attributes: `embedding.weight` (V, E); the recurrent layer's `weight_ih_l{k}`, `weight_hh_l{k}`,
 * `bias_ih_l{k}`, `bias_hh_l{k}`; `fc.weight` (V, H), `fc.bias` (V). PyTorch's initializations.
 */
export class RecurrentLanguageModel extends Module implements CausalLM {
  readonly embedding: Embedding;
  readonly rnn: LSTM | GRU | RNN;
  readonly fc: Linear;
  /** Start each forward from the previous call's final state, detached (truncated BPTT). Default false. */
  carryState = false;
  private carried: RecurrentState | null = null;

  constructor(readonly cell: RecurrentCell, readonly vocabSize: number, readonly embeddingDim: number,
    readonly hiddenDim: number, readonly numLayers = 1, opts: RecurrentLMOptions = {}) {
    super();
    this.embedding = this.registerModule('embedding', new Embedding(vocabSize, embeddingDim, opts));
    const rnnOpts = { numLayers, batchFirst: true, dropout: opts.dropout ?? 0, dtype: opts.dtype, generator: opts.generator };
    const layer = cell === 'lstm' ? new LSTM(embeddingDim, hiddenDim, rnnOpts)
      : cell === 'gru' ? new GRU(embeddingDim, hiddenDim, rnnOpts) : new RNN(embeddingDim, hiddenDim, rnnOpts);
    this.rnn = this.registerModule(cell, layer);
    this.fc = this.registerModule('fc', new Linear(hiddenDim, vocabSize, opts));
  }

  /** One pass from `state` (zeros when null): the logits and the state the sequence ends in. */
  run(ids: Tensor, state: RecurrentState | null, lastOnly = false): { logits: Tensor; state: RecurrentState } {
    if (ids.ndim !== 2) fail('ShapeMismatch', `${this.constructor.name}: expected ids of shape [B, T], got [${ids.shape.join(', ')}]`);
    const x = this.embedding.forward(ids); // (B, T, E)
    let out: Tensor; // (B, T, H)
    let next: RecurrentState;
    if (this.rnn instanceof LSTM) {
      const [o, [h, c]] = this.rnn.forward(x, state ? [state.h, state.c!] : null);
      out = o;
      next = { h, c };
    } else {
      const [o, h] = this.rnn.forward(x, state?.h ?? null);
      out = o;
      next = { h, c: null };
    }
    if (lastOnly) out = slice(out, null, [-1, null]); // (B, 1, H)
    return { logits: this.fc.forward(out), state: next }; // (B, T, V)
  }

  override forward(ids: Tensor, opts: CausalLMForwardOptions = {}): Tensor {
    if (opts.attentionMask && opts.attentionMask.dense().some((v) => v === 0)) {
      fail('Unsupported', `${this.constructor.name}: a recurrent model cannot skip padding; generate padded prompts one at a time`);
    }
    if (opts.cache) {
      if (!(opts.cache instanceof RecurrentCache)) fail('InvalidArgument', `${this.constructor.name}: the cache was not made by this model's newCache()`);
      const { logits, state } = this.run(ids, opts.cache.state, opts.lastOnly);
      opts.cache.state = state;
      opts.cache.length += ids.shape[1];
      return logits;
    }
    const B = ids.shape[0];
    const start = this.carryState && this.carried && this.carried.h.shape[1] === B ? this.carried : null;
    // The state is published with the logits: it is carried (detached) into the next call.
    const { logits, state } = privateIntermediates(() => this.run(ids, start, opts.lastOnly));
    if (this.carryState) this.carried = { h: state.h.detach(), c: state.c ? state.c.detach() : null };
    return logits;
  }

  /** Forgets the carried state (call at the start of each pass over the data). */
  resetState(): void {
    this.carried = null;
  }

  /** Mean cross-entropy of the logits of `ids` against `targets` (B, T). */
  loss(ids: Tensor, targets: Tensor, opts: { ignoreIndex?: number } = {}): Tensor {
    const logits = this.forward(ids);
    return crossEntropy(reshape(logits, [-1, this.vocabSize]), reshape(targets, [-1]), opts);
  }

  /** Generation keeps the recurrent state between steps, so each new token costs one step. */
  newCache(): KVCache {
    return new RecurrentCache();
  }

  generate(ids: TokenInput, options: Partial<GenerationOptions> = {}): Tensor {
    return generate(this, ids, options);
  }

  generateStream(ids: TokenInput, options: Partial<GenerationOptions> = {}): AsyncGenerator<StreamChunk, GenerationResult> {
    return generateStream(this, ids, options);
  }

  override extraRepr(): string {
    return `cell=${this.cell}, vocab=${this.vocabSize}, embedding=${this.embeddingDim}, hidden=${this.hiddenDim}, layers=${this.numLayers}`;
  }
}

/**
 * The design document's generator: Embedding(V, E) → LSTM(E, H, L) → Linear(H, V).
 *
 * Example: `new LSTMLanguageModel(10000, 256, 512, 2).forward(randint(0, 10000, [1, 10]))` has shape
 * [1, 10, 10000].
 */
export class LSTMLanguageModel extends RecurrentLanguageModel {
  constructor(vocabSize: number, embeddingDim: number, hiddenDim: number, numLayers = 1, opts: RecurrentLMOptions = {}) {
    super('lstm', vocabSize, embeddingDim, hiddenDim, numLayers, opts);
  }
}

/** Embedding → GRU → Linear, parameters under `embedding.`, `gru.`, `fc.`. */
export class GRULanguageModel extends RecurrentLanguageModel {
  constructor(vocabSize: number, embeddingDim: number, hiddenDim: number, numLayers = 1, opts: RecurrentLMOptions = {}) {
    super('gru', vocabSize, embeddingDim, hiddenDim, numLayers, opts);
  }
}

/** Embedding → Elman RNN (tanh) → Linear, parameters under `embedding.`, `rnn.`, `fc.`. */
export class RNNLanguageModel extends RecurrentLanguageModel {
  constructor(vocabSize: number, embeddingDim: number, hiddenDim: number, numLayers = 1, opts: RecurrentLMOptions = {}) {
    super('rnn', vocabSize, embeddingDim, hiddenDim, numLayers, opts);
  }
}
