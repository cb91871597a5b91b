/**
 * Logits processors with Hugging Face's definitions. Each rewrites one row's next-token scores in place
 * (banned tokens become -Infinity); `ids` is that row's whole sequence so far, prompt (and padding)
 * included, as Hugging Face passes `input_ids`.
 */
export interface LogitsProcessor {
  readonly name: string;
  process(scores: Float64Array, ids: readonly number[]): void;
}

/** Tokens already in the sequence: a positive score is divided by `penalty`, a negative one multiplied. */
export class RepetitionPenaltyProcessor implements LogitsProcessor {
  readonly name = 'repetitionPenalty';
  constructor(readonly penalty: number) {}

  process(scores: Float64Array, ids: readonly number[]): void {
    for (const id of new Set(ids)) {
      const s = scores[id];
      scores[id] = s < 0 ? s * this.penalty : s / this.penalty;
    }
  }
}

/** Bans every token that would complete an n-gram already present in the sequence. */
export class NoRepeatNgramProcessor implements LogitsProcessor {
  readonly name = 'noRepeatNgram';
  constructor(readonly n: number) {}

  process(scores: Float64Array, ids: readonly number[]): void {
    const n = this.n;
    const len = ids.length;
    if (len + 1 < n) return;
    const start = len + 1 - n; // the n-1 tokens that a new token would extend
    for (let i = 0; i + n <= len; i++) {
      let same = true;
      for (let j = 0; j < n - 1 && same; j++) same = ids[i + j] === ids[start + j];
      if (same) scores[ids[i + n - 1]] = -Infinity;
    }
  }
}

/** Bans the last token of each sequence whose other tokens end the current sequence. */
export class BadWordsProcessor implements LogitsProcessor {
  readonly name = 'badWords';
  constructor(readonly sequences: readonly (readonly number[])[]) {}

  process(scores: Float64Array, ids: readonly number[]): void {
    for (const seq of this.sequences) {
      const prefix = seq.length - 1;
      if (prefix > ids.length) continue;
      let match = true;
      for (let j = 0; j < prefix && match; j++) match = ids[ids.length - prefix + j] === seq[j];
      if (match) scores[seq[prefix]] = -Infinity;
    }
  }
}

/** EOS is banned until `minNewTokens` tokens follow the prompt. */
export class MinNewTokensProcessor implements LogitsProcessor {
  readonly name = 'minNewTokens';
  constructor(readonly promptLength: number, readonly minNewTokens: number, readonly eosIds: readonly number[]) {}

  process(scores: Float64Array, ids: readonly number[]): void {
    if (ids.length - this.promptLength >= this.minNewTokens) return;
    for (const e of this.eosIds) scores[e] = -Infinity;
  }
}

/** The first new token is `tokenId` (Hugging Face's ForcedBOSTokenLogitsProcessor: a target-language code). */
export class ForcedBosProcessor implements LogitsProcessor {
  readonly name = 'forcedBos';
  constructor(readonly promptLength: number, readonly tokenId: number) {}

  process(scores: Float64Array, ids: readonly number[]): void {
    if (ids.length !== this.promptLength) return;
    scores.fill(-Infinity);
    scores[this.tokenId] = 0;
  }
}

/** scores / temperature. */
export class TemperatureWarper implements LogitsProcessor {
  readonly name = 'temperature';
  constructor(readonly temperature: number) {}

  process(scores: Float64Array): void {
    const inv = 1 / this.temperature;
    for (let i = 0; i < scores.length; i++) scores[i] *= inv;
  }
}

/** Keeps the k highest scores (ties with the k-th are kept, as `scores < kth` is what gets removed). */
export class TopKWarper implements LogitsProcessor {
  readonly name = 'topK';
  constructor(readonly k: number, readonly minTokensToKeep = 1) {}

  process(scores: Float64Array): void {
    const k = Math.min(Math.max(this.k, this.minTokensToKeep), scores.length);
    const kth = Float64Array.from(scores).sort()[scores.length - k];
    for (let i = 0; i < scores.length; i++) if (scores[i] < kth) scores[i] = -Infinity;
  }
}

/**
 * Nucleus sampling: keeps the smallest set of most likely tokens whose probability reaches p, including
 * the token that crosses p (written as Hugging Face does: sort ascending, drop while the cumulative
 * probability stays ≤ 1 - p).
 */
export class TopPWarper implements LogitsProcessor {
  readonly name = 'topP';
  constructor(readonly p: number, readonly minTokensToKeep = 1) {}

  process(scores: Float64Array): void {
    const order = argsortAscending(scores);
    const probs = softmaxOf(scores);
    const keepFrom = scores.length - this.minTokensToKeep;
    let cum = 0;
    for (let r = 0; r < keepFrom; r++) {
      cum += probs[order[r]];
      if (cum > 1 - this.p) break;
      scores[order[r]] = -Infinity;
    }
  }
}

/**
 * Locally typical sampling (Meister et al. 2022): ranks tokens by |-log p - H| (how far their surprisal
 * is from the entropy H) and keeps the best-ranked ones until their probability reaches `mass`.
 */
export class TypicalPWarper implements LogitsProcessor {
  readonly name = 'typicalP';
  constructor(readonly mass: number, readonly minTokensToKeep = 1) {}

  process(scores: Float64Array): void {
    const V = scores.length;
    const logp = logSoftmaxOf(scores);
    let entropy = 0;
    for (let i = 0; i < V; i++) if (logp[i] > -Infinity) entropy -= Math.exp(logp[i]) * logp[i];
    const shifted = new Float64Array(V);
    for (let i = 0; i < V; i++) shifted[i] = Math.abs(-logp[i] - entropy);
    const order = argsortAscending(shifted);
    let lastInd = 0;
    let cum = 0;
    for (let r = 0; r < V; r++) {
      cum += Math.exp(logp[order[r]]);
      if (cum < this.mass) lastInd++;
      else break;
    }
    lastInd = Math.min(lastInd, V - 1);
    const limit = shifted[order[lastInd]];
    for (let r = this.minTokensToKeep; r < V; r++) if (shifted[order[r]] > limit) scores[order[r]] = -Infinity;
  }
}

/** Drops tokens whose probability is below minP × the most likely token's probability. */
export class MinPWarper implements LogitsProcessor {
  readonly name = 'minP';
  constructor(readonly minP: number, readonly minTokensToKeep = 1) {}

  process(scores: Float64Array): void {
    const probs = softmaxOf(scores);
    let top = 0;
    for (let i = 0; i < probs.length; i++) if (probs[i] > top) top = probs[i];
    const threshold = this.minP * top;
    const order = argsortAscending(scores).reverse();
    for (let r = this.minTokensToKeep; r < order.length; r++) if (probs[order[r]] < threshold) scores[order[r]] = -Infinity;
  }
}

/** Indices that sort `x` ascending (stable). */
export function argsortAscending(x: Float64Array): Int32Array {
  const order = new Int32Array(x.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => x[a] - x[b] || a - b);
}

export function logSoftmaxOf(scores: Float64Array): Float64Array {
  let mx = -Infinity;
  for (let i = 0; i < scores.length; i++) if (scores[i] > mx) mx = scores[i];
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += Math.exp(scores[i] - mx);
  const lse = mx + Math.log(sum);
  const out = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) out[i] = scores[i] - lse;
  return out;
}

export function softmaxOf(scores: Float64Array): Float64Array {
  const out = logSoftmaxOf(scores);
  for (let i = 0; i < out.length; i++) out[i] = Math.exp(out[i]);
  return out;
}
