import { noGrad } from '../autograd/graph.js';
import { tensor } from '../tensor/create.js';
import type { CausalLM } from './types.js';

/** A token and its log-probability (natural log). */
export interface RankedToken {
  token: number;
  logprob: number;
}

/** A chosen token's log-probability and the `top` most likely tokens at its position, best first. */
export interface TokenLogprob extends RankedToken {
  top: RankedToken[];
}

/**
 * log_softmax of the scores scores[offset .. offset + vocab) at `token`, and the `top` most likely
 * tokens there (ties keep the lower id first). The scores are the model's raw logits, before any
 * generation processor, as OpenAI and vLLM report them.
 */
export function logprobOf(scores: ArrayLike<number>, offset: number, vocab: number, token: number, top: number): TokenLogprob {
  let max = -Infinity;
  for (let i = 0; i < vocab; i++) if (scores[offset + i] > max) max = scores[offset + i];
  let sum = 0;
  for (let i = 0; i < vocab; i++) sum += Math.exp(scores[offset + i] - max);
  const logZ = max + Math.log(sum);
  const best: RankedToken[] = [];
  for (let i = 0; i < vocab && top > 0; i++) {
    const v = scores[offset + i];
    if (best.length === top && v <= best[top - 1].logprob) continue;
    let at = best.length < top ? best.length : top - 1;
    while (at > 0 && best[at - 1].logprob < v) at--;
    best.splice(at, 0, { token: i, logprob: v });
    if (best.length > top) best.pop();
  }
  return {
    token,
    logprob: scores[offset + token] - logZ,
    top: best.map((r) => ({ token: r.token, logprob: r.logprob - logZ })),
  };
}

/**
 * The log-probability of every prompt token given the ones before it (one forward pass, no gradients):
 * position 0 has no context and is null.
 */
export function promptLogprobs(model: CausalLM, ids: readonly number[], top: number): (TokenLogprob | null)[] {
  if (ids.length === 0) return [];
  const logits = noGrad(() => model.forward(tensor(Int32Array.from(ids), { shape: [1, ids.length] })));
  const vocab = logits.shape[2];
  const data = logits.dense();
  return ids.map((token, t) => (t === 0 ? null : logprobOf(data, (t - 1) * vocab, vocab, token, top)));
}
