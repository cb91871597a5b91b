/**
 * Token log-probabilities in the shapes of OpenAI's APIs: completions' `logprobs` object (parallel arrays,
 * `text_offset` into the choice's text) and chat's `logprobs.content` list.
 */
import type { TokenLogprob } from '../generation/logprobs.js';
import type { Tokenizer } from '../tokenizers/tokenizer.js';

export interface CompletionLogprobs {
  tokens: string[];
  /** null for the first prompt token (it has no context). */
  token_logprobs: (number | null)[];
  top_logprobs: (Record<string, number> | null)[];
  text_offset: number[];
}

export interface ChatTokenLogprob {
  token: string;
  logprob: number;
  bytes: number[];
  top_logprobs: { token: string; logprob: number; bytes: number[] }[];
}

/** A token of a choice and, when it has context, its log-probability and the most likely alternatives. */
export interface ScoredToken {
  token: number;
  scored: TokenLogprob | null;
}

/** The completions form of `tokens`; text offsets start at `offset` (a stream's chunks continue each other's). */
export function completionLogprobs(tokenizer: Tokenizer, tokens: readonly ScoredToken[], offset = 0): CompletionLogprobs {
  const text = (id: number) => tokenizer.decode([id]);
  const out: CompletionLogprobs = { tokens: [], token_logprobs: [], top_logprobs: [], text_offset: [] };
  for (const { token, scored } of tokens) {
    const piece = text(token);
    out.tokens.push(piece);
    out.text_offset.push(offset);
    offset += piece.length;
    out.token_logprobs.push(scored ? scored.logprob : null);
    if (!scored) {
      out.top_logprobs.push(null);
      continue;
    }
    const top: Record<string, number> = {};
    for (const t of scored.top) {
      const key = text(t.token);
      if (!(key in top)) top[key] = t.logprob;
    }
    out.top_logprobs.push(top);
  }
  return out;
}

const utf8 = (s: string) => Array.from(Buffer.from(s, 'utf8'));

/** Chat's form of the same data (chat choices never echo the prompt, so every token is scored). */
export function chatLogprobs(c: CompletionLogprobs): { content: ChatTokenLogprob[] } {
  return {
    content: c.tokens.map((token, i) => ({
      token,
      logprob: c.token_logprobs[i] ?? 0,
      bytes: utf8(token),
      top_logprobs: Object.entries(c.top_logprobs[i] ?? {}).map(([t, logprob]) => ({ token: t, logprob, bytes: utf8(t) })),
    })),
  };
}
