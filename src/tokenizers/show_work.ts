import { fail } from '../errors.js';
import { BPE } from './models/bpe.js';
import type { Tokenizer } from './tokenizer.js';

/** One word's way through BPE: its starting symbols and every merge, in order. */
export interface BpeWordWork {
  word: string;
  initial: string[];
  merges: { pair: [string, string]; rank: number; result: string; tokens: string[] }[];
  ids: number[];
}

export interface BpeWork {
  words: BpeWordWork[];
  ids: number[];
}

/**
 * The debugging twin of `tokenizer.encodeIds(text, { addSpecialTokens: false })` for BPE tokenizers:
 * the same result computed the slow, obvious way (rescan all pairs, merge the lowest rank, leftmost
 * first), recording each word's merges. Added tokens appear as words with no merges.
 */
export function encodeAndShowWork(tokenizer: Tokenizer, text: string): BpeWork {
  const model = tokenizer.model;
  if (!(model instanceof BPE)) fail('InvalidArgument', `encodeAndShowWork: expected a BPE model, got ${model.type}`);
  const work: BpeWork = { words: [], ids: [] };
  for (const w of tokenizer.preTokenize(text)) {
    const step = typeof w === 'number' ? { word: tokenizer.idToToken(w)!, initial: [tokenizer.idToToken(w)!], merges: [], ids: [w] } : slowMerge(model, w);
    work.words.push(step);
    work.ids.push(...step.ids);
  }
  return work;
}

function slowMerge(model: BPE, word: string): BpeWordWork {
  let ids = Array.from(model.initialSymbols(word).ids);
  const tok = (id: number) => model.idToToken(id)!;
  const out: BpeWordWork = { word, initial: ids.map(tok), merges: [], ids: [] };
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < ids.length; i++) {
      const r = model.mergeRank(ids[i], ids[i + 1]);
      if (r >= 0 && r < bestRank) {
        bestRank = r;
        best = i;
      }
    }
    if (best < 0) break;
    const merged = model.mergeResult(ids[best], ids[best + 1]);
    const pair: [string, string] = [tok(ids[best]), tok(ids[best + 1])];
    ids = [...ids.slice(0, best), merged, ...ids.slice(best + 2)];
    out.merges.push({ pair, rank: bestRank, result: tok(merged), tokens: ids.map(tok) });
  }
  out.ids = ids;
  return out;
}
