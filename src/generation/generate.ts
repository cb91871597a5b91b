import { fail } from '../errors.js';
import { tensor } from '../tensor/create.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { beamSearch } from './beam-search.js';
import { eosIdsOf, padIdOf, promptRows, resolveOptions, type TokenInput } from './options.js';
import { logprobOf, type TokenLogprob } from './logprobs.js';
import type { LogitsProcessor } from './processors.js';
import { argmaxOf, buildProcessors, sampleFrom } from './select.js';
import { Stepper } from './stepper.js';
import { IncrementalDecoder, StopStringMatcher } from './text.js';
import type { CausalLM, GenerationOptions } from './types.js';

/** What a generation produced. */
export interface GenerationResult {
  /** Prompt + new tokens per returned row; rows that finished early are padded with the pad id. */
  sequences: number[][];
  /** Length of the (padded) prompt at the front of every sequence. */
  promptLength: number;
  /** With a tokenizer: each row's decoded continuation, cut before a stop string. */
  texts: string[] | null;
}

/** One step of a streamed generation: the token, and the text it releases (may be ''). */
export interface StreamChunk {
  token: number;
  text: string;
}

/**
 * Greedy or sampled decoding, one step at a time (the loop of Hugging Face's `_sample`). Each step:
 * next-token scores from the model, processors (penalties, bans, then the sampling warpers), a pick
 * (argmax or a draw), padding for rows already finished, then the EOS and stop-string checks.
 */
export class DecodingRun {
  readonly rows: number[][];
  private mask: number[][] | null;
  readonly promptLength: number;
  readonly done: boolean[];
  private readonly stepper: Stepper;
  private readonly processors: LogitsProcessor[];
  private readonly eos: number[];
  private readonly pad: number;
  private readonly generator: Generator;
  private readonly decoders: IncrementalDecoder[] | null;
  private readonly matchers: StopStringMatcher[] | null;
  private produced = 0;
  private logprobTop: number | null = null;
  /** Per row, each generated token's log-probability under the raw logits (after `recordLogprobs`). */
  readonly logprobs: TokenLogprob[][];
  /**
   * Per row, each prompt token's log-probability (null for the first real token, which has no context,
   * for padding, and for tokens before the model's context when the prompt is longer than it): filled by
   * the first step after `recordLogprobs(top, { prompt: true })`, from the same forward pass that reads the
   * prompt; null until then.
   */
  promptLogprobs: (TokenLogprob | null)[][] | null = null;
  private promptWanted = false;

  constructor(model: CausalLM, input: TokenInput, readonly options: GenerationOptions) {
    const o = options;
    const prompt = promptRows(input, o);
    const copies = o.numReturnSequences;
    this.rows = prompt.rows.flatMap((r) => Array.from({ length: copies }, () => r.slice()));
    this.mask = prompt.mask ? prompt.mask.flatMap((r) => Array.from({ length: copies }, () => r.slice())) : null;
    this.promptLength = prompt.rows[0].length;
    this.done = this.rows.map(() => false);
    this.eos = eosIdsOf(o);
    this.pad = padIdOf(o);
    this.processors = buildProcessors(o, this.promptLength, this.eos);
    this.generator = o.seed !== null ? new Generator(o.seed) : defaultGenerator;
    this.stepper = new Stepper(model, this.rows.length, this.promptLength + o.maxNewTokens, o.useCache);
    const tok = o.tokenizer;
    this.decoders = tok ? this.rows.map(() => new IncrementalDecoder(tok)) : null;
    this.matchers = tok ? this.rows.map(() => new StopStringMatcher(o.stopStrings)) : null;
    this.logprobs = this.rows.map(() => []);
  }

  /**
   * From the next step on, records each new token's log-probability and the `top` most likely tokens;
   * with `prompt` (before the first step), the prompt tokens' too (`promptLogprobs`).
   */
  recordLogprobs(top: number, opts: { prompt?: boolean } = {}): void {
    if (!Number.isInteger(top) || top < 0) fail('InvalidArgument', `recordLogprobs: top must be an integer >= 0, got ${top}`);
    if (opts.prompt && this.produced > 0) fail('InvalidArgument', 'recordLogprobs: the prompt was already read (ask before the first step)');
    this.logprobTop = top;
    this.promptWanted = opts.prompt ?? false;
  }

  /** The first step's scores, with the prompt's log-probabilities from the logits of the same pass. */
  private readPrompt(top: number): Float64Array[] {
    const { scores, logits, past } = this.stepper.nextWithAllLogits(this.rows, this.mask);
    const [, T, V] = logits.shape;
    const data = logits.dense();
    this.promptLogprobs = this.rows.map((row, b) => {
      const real = (t: number) => !this.mask || this.mask[b][t] === 1;
      const first = row.findIndex((_, t) => real(t));
      return row.map((token, t) => (t <= first || t - 1 < past || !real(t)
        ? null
        : logprobOf(data, (b * T + t - 1 - past) * V, V, token, top)));
    });
    return scores;
  }

  get finished(): boolean {
    return this.produced >= this.options.maxNewTokens || this.done.every(Boolean);
  }

  /** Decodes one more token per row and returns them (the pad id for finished rows). */
  step(): number[] {
    if (this.finished) fail('InvalidArgument', 'generate: the run is already finished');
    const top = this.logprobTop;
    const scores = this.promptWanted && top !== null && this.produced === 0
      ? this.readPrompt(top)
      : this.stepper.next(this.rows, this.mask);
    const raw = top === null ? null : scores.map((s, b) => (this.done[b] ? null : s.slice()));
    const picked = scores.map((s, b) => {
      if (this.done[b]) return this.pad;
      for (const p of this.processors) p.process(s, this.rows[b]);
      return this.options.doSample ? sampleFrom(s, this.generator) : argmaxOf(s);
    });
    this.produced++;
    if (raw && top !== null) {
      raw.forEach((s, b) => { if (s) this.logprobs[b].push(logprobOf(s, 0, s.length, picked[b], top)); });
    }
    picked.forEach((token, b) => {
      this.rows[b].push(token);
      this.mask?.[b].push(1);
      if (this.done[b]) return;
      if (this.eos.includes(token)) this.done[b] = true;
      if (this.decoders && this.matchers && !this.eos.includes(token)) {
        if (this.matchers[b].append(this.decoders[b].push(token))) this.done[b] = true;
      }
    });
    if (this.finished && this.decoders && this.matchers) {
      this.matchers.forEach((m, b) => m.append(this.decoders![b].flush()));
    }
    return picked;
  }

  /** The texts so far (cut before stop strings), or null without a tokenizer. */
  get texts(): string[] | null {
    return this.matchers ? this.matchers.map((m) => m.result) : null;
  }

  /** How much of row `b`'s text can be shown without showing part of a stop string. */
  releasableText(b: number): string {
    const m = this.matchers?.[b];
    if (!m) return '';
    return this.finished || this.done[b] ? m.result : m.text.slice(0, m.safeLength);
  }
}

/**
 * Generates continuations (Hugging Face's `generate`): greedy by default, sampling with `doSample`,
 * beam search with `numBeams > 1`. Returns full sequences and, with a tokenizer, their texts.
 */
export function generateDetailed(model: CausalLM, input: TokenInput, options: Partial<GenerationOptions> = {}): GenerationResult {
  const o = resolveOptions(model, options);
  if (o.numBeams > 1) return beamSearch(model, input, o);
  const run = new DecodingRun(model, input, o);
  while (!run.finished) run.step();
  return { sequences: run.rows, promptLength: run.promptLength, texts: run.texts };
}

/**
 * Generates continuations of `input` ([B, T] ids, left-padded with `attentionMask` when prompts differ
 * in length) and returns prompt + new tokens as an int32 tensor [B · numReturnSequences, T + new].
 *
 * Example: `generate(model, ids, { maxNewTokens: 50, doSample: true, topP: 0.9, seed: 1 })`.
 */
export function generate(model: CausalLM, input: TokenInput, options: Partial<GenerationOptions> = {}): Tensor {
  const { sequences } = generateDetailed(model, input, options);
  const T = sequences[0].length;
  return tensor(Int32Array.from(sequences.flat()), { shape: [sequences.length, T] });
}

/** Encodes the prompt, generates, and returns the continuation text (cut before a stop string). */
export function generateText(model: CausalLM, tokenizer: { encode(text: string): { ids: number[] }; decode(ids: number[]): string },
  prompt: string, options: Partial<GenerationOptions> = {}): string {
  const ids = tokenizer.encode(prompt).ids;
  const result = generateDetailed(model, ids, { ...options, tokenizer });
  return result.texts![0];
}

/**
 * Streams a generation for one prompt: yields each new token with the text it releases. Text is
 * released whole characters at a time (a character split over several tokens waits for all of them)
 * and never shows part of a stop string; the pieces join to the final text. Needs `tokenizer` for text.
 */
export async function* generateStream(model: CausalLM, input: TokenInput,
  options: Partial<GenerationOptions> = {}): AsyncGenerator<StreamChunk, GenerationResult> {
  const o = resolveOptions(model, options);
  if (o.numBeams > 1) fail('Unsupported', 'generateStream: beam search cannot stream (the best beam is known only at the end)');
  const run = new DecodingRun(model, input, o);
  if (run.rows.length !== 1) fail('InvalidArgument', `generateStream: streams one sequence, got ${run.rows.length} rows`);
  let shown = 0;
  while (!run.finished) {
    const [token] = run.step();
    const text = run.releasableText(0);
    const chunk = { token, text: text.slice(shown) };
    shown = text.length;
    yield chunk;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { sequences: run.rows, promptLength: run.promptLength, texts: run.texts };
}
