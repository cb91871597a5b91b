import { noGrad } from '../autograd/graph.js';
import { crossEntropy } from '../autograd/ops/loss.js';
import { reshape } from '../autograd/ops/shape.js';
import { fail } from '../errors.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';

/** Anything that maps ids [1, T] to next-token logits [1, T, V]. */
export interface NextTokenModel {
  forward(ids: Tensor): Tensor;
}

export interface PerplexityOptions {
  /** Tokens the model reads at once (its context length). */
  contextLength: number;
  /** How far each window moves; every window scores only the tokens the previous one did not. Default: contextLength. */
  stride?: number;
  /** Called after each window with (scored tokens so far, total). */
  onProgress?: (done: number, total: number) => void;
}

export interface PerplexityResult {
  /** Mean negative log-likelihood per scored token (nats). */
  loss: number;
  perplexity: number;
  /** Tokens scored: every token but the first. */
  tokens: number;
}

/**
 * Perplexity of a token sequence with a sliding window (Hugging Face's method): windows of at most
 * `contextLength` tokens start every `stride` tokens, and each scores only the targets past the previous
 * window's end, so with stride < contextLength every prediction sees at least contextLength − stride
 * tokens of context.
 */
export function perplexity(model: NextTokenModel, ids: ArrayLike<number>, opts: PerplexityOptions): PerplexityResult {
  const n = ids.length;
  const ctx = opts.contextLength;
  const stride = opts.stride ?? ctx;
  if (!Number.isInteger(ctx) || ctx < 2) fail('InvalidArgument', `perplexity: contextLength must be an integer >= 2, got ${ctx}`);
  if (!Number.isInteger(stride) || stride < 1 || stride > ctx) fail('InvalidArgument', `perplexity: stride must be in [1, contextLength], got ${stride}`);
  if (n < 2) fail('InvalidArgument', `perplexity: needs at least 2 tokens, got ${n}`);
  let nll = 0;
  let count = 0;
  let prevEnd = 0;
  noGrad(() => {
    for (let begin = 0; prevEnd < n; begin += stride) {
      const end = Math.min(begin + ctx, n);
      const len = end - begin - 1;
      const x = new Int32Array(len);
      const y = new Int32Array(len);
      for (let j = 0; j < len; j++) {
        x[j] = ids[begin + j];
        const target = begin + 1 + j;
        y[j] = target >= Math.max(prevEnd, 1) ? ids[target] : -100;
      }
      const logits = model.forward(tensor(x, { shape: [1, len] }));
      const loss = crossEntropy(reshape(logits, [len, -1]), tensor(y), { reduction: 'sum' });
      nll += loss.item();
      count += end - Math.max(prevEnd, 1);
      prevEnd = end;
      opts.onProgress?.(count, n - 1);
      if (end === n) break;
    }
  });
  const loss = nll / count;
  return { loss, perplexity: Math.exp(loss), tokens: count };
}
