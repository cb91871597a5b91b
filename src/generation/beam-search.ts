import { fail } from '../errors.js';
import { eosIdsOf, padIdOf, promptRows, type TokenInput } from './options.js';
import { logSoftmaxOf } from './processors.js';
import { buildProcessors } from './select.js';
import { Stepper } from './stepper.js';
import type { CausalLM, GenerationOptions } from './types.js';
import type { GenerationResult } from './generate.js';

/** The finished hypotheses of one input row, best numBeams kept (Hugging Face's BeamHypotheses). */
class BeamHypotheses {
  readonly beams: { score: number; tokens: number[] }[] = [];
  private worst = 1e9;

  constructor(private readonly numBeams: number, private readonly lengthPenalty: number,
    private readonly earlyStopping: boolean | 'never', private readonly maxNewTokens: number) {}

  /** Scores a hypothesis as sum(log p) / (generated length)^lengthPenalty and keeps it if it is among the best. */
  add(tokens: number[], sumLogprobs: number, generatedLength: number): void {
    const score = sumLogprobs / generatedLength ** this.lengthPenalty;
    if (this.beams.length < this.numBeams || score > this.worst) {
      this.beams.push({ score, tokens });
      if (this.beams.length > this.numBeams) {
        const ranked = this.beams.map((h, i) => [h.score, i]).sort((a, b) => a[0] - b[0]);
        this.beams.splice(ranked[0][1], 1);
        this.worst = ranked[1][0];
      } else this.worst = Math.min(score, this.worst);
    }
  }

  /** Whether no running beam can beat the kept hypotheses any more. */
  isDone(bestRunningSum: number, generatedLength: number): boolean {
    if (this.beams.length < this.numBeams) return false;
    if (this.earlyStopping === true) return true;
    const length = this.earlyStopping === 'never' && this.lengthPenalty > 0 ? this.maxNewTokens : generatedLength;
    return this.worst >= bestRunningSum / length ** this.lengthPenalty;
  }
}

interface Candidate {
  score: number;
  beam: number;
  token: number;
}

/** The n best (beam, token) pairs over all of one row's beams, best first (ties: lower beam, lower token). */
function topCandidates(scores: Float64Array[], firstRow: number, numBeams: number, n: number): Candidate[] {
  const all: Candidate[] = [];
  for (let j = 0; j < numBeams; j++) {
    const s = scores[firstRow + j];
    const best: Candidate[] = [];
    for (let v = 0; v < s.length; v++) {
      const x = s[v];
      if (best.length === n && !(x > best[n - 1].score)) continue;
      let at = best.length;
      while (at > 0 && x > best[at - 1].score) at--;
      best.splice(at, 0, { score: x, beam: j, token: v });
      if (best.length > n) best.pop();
    }
    all.push(...best);
  }
  return all.sort((a, b) => b.score - a.score || a.beam - b.beam || a.token - b.token).slice(0, n);
}

/**
 * Beam search (Hugging Face's `_beam_search` with its BeamSearchScorer): keeps numBeams running beams per
 * row, ranked by the summed log-probabilities of their tokens; a beam that picks EOS becomes a finished
 * hypothesis scored with the length penalty. Returns the numReturnSequences best hypotheses per row.
 */
export function beamSearch(model: CausalLM, input: TokenInput, o: GenerationOptions): GenerationResult {
  if (o.doSample) fail('Unsupported', 'generate: beam sampling (numBeams > 1 with doSample) is not supported');
  if (o.stopStrings.length > 0) fail('Unsupported', 'generate: stop strings are not supported with beam search');
  const prompt = promptRows(input, o);
  const B = prompt.rows.length;
  const K = o.numBeams;
  const T0 = prompt.rows[0].length;
  const maxLength = T0 + o.maxNewTokens;
  let rows = prompt.rows.flatMap((r) => Array.from({ length: K }, () => r.slice()));
  let mask = prompt.mask ? prompt.mask.flatMap((r) => Array.from({ length: K }, () => r.slice())) : null;
  const eos = eosIdsOf(o);
  const pad = padIdOf(o);
  const processors = buildProcessors(o, T0, eos);
  const stepper = new Stepper(model, B * K, maxLength, o.useCache);
  // Only the first beam of each row is live at the start, so the K beams do not all pick the same token.
  let beamScores = Float64Array.from({ length: B * K }, (_, i) => (i % K === 0 ? 0 : -1e9));
  const hyps = Array.from({ length: B }, () => new BeamHypotheses(K, o.lengthPenalty, o.earlyStopping, o.maxNewTokens));
  const done = new Array<boolean>(B).fill(false);
  const keep = Math.max(2, 1 + eos.length) * K;

  for (let step = 0; step < o.maxNewTokens && !done.every(Boolean); step++) {
    const scores = stepper.next(rows, mask).map((logits, i) => {
      const s = logSoftmaxOf(logits);
      for (const p of processors) p.process(s, rows[i]);
      for (let v = 0; v < s.length; v++) s[v] += beamScores[i];
      return s;
    });
    const generated = step + 1;
    const nextScores = new Float64Array(B * K);
    const order: number[] = [];
    const tokens: number[] = [];
    for (let b = 0; b < B; b++) {
      if (done[b]) {
        for (let j = 0; j < K; j++) {
          order.push(b * K);
          tokens.push(pad);
        }
        continue;
      }
      const candidates = topCandidates(scores, b * K, K, keep);
      let filled = 0;
      for (let rank = 0; rank < candidates.length && filled < K; rank++) {
        const c = candidates[rank];
        if (eos.includes(c.token)) {
          if (rank >= K) continue;
          hyps[b].add(rows[b * K + c.beam].slice(T0), c.score, generated);
          continue;
        }
        nextScores[b * K + filled] = c.score;
        order.push(b * K + c.beam);
        tokens.push(c.token);
        filled++;
      }
      if (filled < K) fail('InvalidArgument', `generate: beam search found only ${filled} of ${K} continuations (too many banned tokens?)`);
      done[b] = hyps[b].isDone(candidates[0].score, generated);
    }
    rows = order.map((src, i) => [...rows[src], tokens[i]]);
    if (mask) mask = order.map((src) => [...mask![src], 1]);
    stepper.reorder(order);
    beamScores = nextScores;
  }

  for (let b = 0; b < B; b++) {
    if (done[b]) continue;
    for (let j = 0; j < K; j++) hyps[b].add(rows[b * K + j].slice(T0), beamScores[b * K + j], rows[b * K + j].length - T0);
  }
  const best = hyps.flatMap((h, b) => h.beams.slice().sort((x, y) => y.score - x.score)
    .slice(0, o.numReturnSequences).map((hyp) => ({ prompt: prompt.rows[b], tokens: hyp.tokens })));
  // Hypotheses that ended with EOS are stored without it: it is written back, then padding.
  const width = Math.min(Math.max(...best.map((h) => h.tokens.length)) + (eos.length > 0 ? 1 : 0), o.maxNewTokens);
  const sequences = best.map(({ prompt: p, tokens: t }) => {
    const tail = t.slice(0, width);
    if (tail.length < width && eos.length > 0) tail.push(eos[0]);
    while (tail.length < width) tail.push(pad);
    return [...p, ...tail];
  });
  const tok = o.tokenizer;
  const texts = tok ? best.map((h) => tok.decode(h.tokens.filter((t) => !eos.includes(t)))) : null;
  return { sequences, promptLength: T0, texts };
}
