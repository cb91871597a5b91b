import { noGrad } from '../autograd/graph.js';
import { crossEntropy, slice } from '../autograd/ops/index.js';
import { fail } from '../errors.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';

export interface PerplexityOptions {
  /** Tokens per window (default: the model's maxPositions). */
  maxLength?: number;
  /** How far each window moves (default maxLength: windows do not overlap). */
  stride?: number;
  /** Encodes a text input (needed when `input` is a string). */
  tokenizer?: { encode(text: string): { ids: number[] } } | null;
}

export interface PerplexityResult {
  /** exp(mean negative log-likelihood per scored token). */
  perplexity: number;
  /** Mean negative log-likelihood per scored token, in nats. */
  nll: number;
  /** Tokens scored. */
  tokens: number;
}

/**
 * Perplexity of a token sequence under a language model, with Hugging Face's sliding window: windows of
 * `maxLength` tokens start every `stride` tokens, and each window scores only the tokens after the
 * previous window's end, with up to maxLength - stride tokens of context before them. With stride <
 * maxLength every token but the first is scored once; with disjoint windows (stride = maxLength, the
 * default) the first token of each window has no context and is not scored. A smaller stride gives more
 * context (a lower, fairer perplexity) at the cost of more passes.
 *
 * perplexity = exp(-(1/N) Σ_t log p(x_t | x_<t))
 */
export function perplexity(model: { forward(ids: Tensor): Tensor; readonly maxPositions?: number },
  input: Tensor | readonly number[] | string, opts: PerplexityOptions = {}): PerplexityResult {
  let seq: readonly number[];
  if (typeof input === 'string') {
    if (!opts.tokenizer) fail('InvalidArgument', 'perplexity: a text input needs options.tokenizer');
    seq = opts.tokenizer.encode(input).ids;
  } else seq = Array.isArray(input) ? input as readonly number[] : Array.from((input as Tensor).dense(), Number);
  const maxLength = opts.maxLength ?? model.maxPositions ?? fail('InvalidArgument', 'perplexity: give maxLength (the model has no maxPositions)');
  const stride = opts.stride ?? maxLength;
  if (!Number.isInteger(maxLength) || maxLength < 2) fail('InvalidArgument', `perplexity: maxLength must be an integer ≥ 2, got ${maxLength}`);
  if (!Number.isInteger(stride) || stride < 1 || stride > maxLength) {
    fail('InvalidArgument', `perplexity: stride must be an integer in [1, maxLength = ${maxLength}], got ${stride}`);
  }
  if (seq.length < 2) fail('InvalidArgument', `perplexity: needs at least 2 tokens, got ${seq.length}`);
  let nllSum = 0;
  let count = 0;
  let prevEnd = 0;
  noGrad(() => {
    for (let begin = 0; begin < seq.length; begin += stride) {
      const end = Math.min(begin + maxLength, seq.length);
      const window = seq.slice(begin, end);
      const logits = model.forward(tensor(Int32Array.from(window), { shape: [1, window.length] })); // (1, W, V)
      // position t predicts token t + 1; only tokens after the previous window's end are scored
      const targets = Int32Array.from(window.slice(1), (tok, i) => (begin + i + 1 >= prevEnd ? tok : -100));
      const scored = targets.reduce((n, tok) => n + (tok === -100 ? 0 : 1), 0);
      if (scored > 0) {
        const V = logits.shape[2];
        const rows = slice(logits, 0, [0, -1]); // (W - 1, V)
        nllSum += crossEntropy(rows.reshape(-1, V), tensor(targets), { reduction: 'sum' }).item();
        count += scored;
      }
      prevEnd = end;
      if (end === seq.length) break;
    }
  });
  const nll = nllSum / count;
  return { perplexity: Math.exp(nll), nll, tokens: count };
}
