/**
 * Runs an OpenAI-style completion request on a served model: encodes the prompts, decodes every choice
 * a step at a time (yielding to the event loop between steps so the server stays responsive), and
 * reports text as it becomes safe to show: whole characters, never part of a stop string.
 */
import { LmkitError } from '../errors.js';
import { DecodingRun } from '../generation/generate.js';
import { promptLogprobs } from '../generation/logprobs.js';
import { resolveOptions } from '../generation/options.js';
import type { GenerationOptions } from '../generation/types.js';
import { badRequest } from './api-error.js';
import { type CompletionLogprobs, completionLogprobs, type ScoredToken } from './logprobs.js';
import type { CompletionRequest } from './request.js';
import { modelVocabSize, type ServedModel, undecodableIds } from './served-model.js';

export type FinishReason = 'stop' | 'length';

export interface CompletionChoice {
  index: number;
  text: string;
  finish_reason: FinishReason;
  logprobs: CompletionLogprobs | null;
}

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** A validated request turned into token ids and resolved generation options. */
export interface CompletionPlan {
  prompts: { ids: number[]; text: string }[];
  n: number;
  echo: boolean;
  /** Alternatives to report per token when log-probabilities are wanted, else null. */
  logprobs: number | null;
  options: GenerationOptions;
}

/**
 * Receives streamed text: `text` for choice `index` (may be called many times per choice) and, when the
 * plan asks for log-probabilities, those of the tokens not reported yet (their text offsets continue the
 * choice's).
 */
export type TextSink = (index: number, text: string, logprobs: CompletionLogprobs | null) => void | Promise<void>;

export class GenerationAborted extends Error {
  constructor() {
    super('generation aborted: the client went away');
    this.name = 'GenerationAborted';
  }
}

const DEFAULT_MAX_TOKENS = 16;

function promptsOf(req: CompletionRequest): (string | number[])[] {
  const p = req.prompt;
  if (typeof p === 'string') return [p];
  if (p.length > 0 && typeof p[0] === 'number') return [p as number[]];
  return p as string[] | number[][];
}

/**
 * Encodes the prompts and resolves the options; every problem is a 400 naming its field. `endToken`
 * (a chat template's eos_token) also ends a choice, besides the model's own EOS.
 */
export function planCompletion(served: ServedModel, req: CompletionRequest, maxPromptTokens: number, endToken = ''): CompletionPlan {
  const { model, tokenizer } = served;
  const limit = Math.min(maxPromptTokens, model.maxPositions ?? Infinity);
  const vocab = tokenizer.vocabSize;
  const modelVocab = modelVocabSize(model) ?? Infinity;
  const eos = model.generationDefaults?.eosTokenId;
  const prompts = promptsOf(req).map((p, i) => {
    const param = promptsOf(req).length > 1 ? `prompt.${i}` : 'prompt';
    let ids: number[];
    let text: string;
    if (typeof p === 'string') {
      text = p;
      try {
        ids = tokenizer.encodeIds(p, { addSpecialTokens: false });
      } catch (e) {
        if (e instanceof LmkitError) throw badRequest(`${param}: cannot be encoded by this model's tokenizer (${e.message})`, param);
        throw e;
      }
      // GPT-2's convention: an empty prompt starts from <|endoftext|>, which is also its BOS.
      if (ids.length === 0 && typeof eos === 'number') ids = [eos];
    } else {
      const bad = p.find((id) => id >= vocab);
      if (bad !== undefined) throw badRequest(`${param}: token id ${bad} is outside the vocabulary (expected 0 ≤ id < ${vocab})`, param);
      ids = p;
      text = tokenizer.decode(p);
    }
    if (ids.length === 0) throw badRequest(`${param}: the prompt encodes to no tokens`, param, 'empty_prompt');
    const outside = ids.find((id) => id >= modelVocab);
    if (outside !== undefined) {
      throw badRequest(`${param}: token ${outside} is outside the model's vocabulary (expected id < ${modelVocab}; the tokenizer is larger than the model)`, param);
    }
    if (ids.length > limit) {
      throw badRequest(`${param}: the prompt has ${ids.length} tokens; this model takes at most ${limit}`, param, 'context_length_exceeded');
    }
    return { ids, text };
  });
  const temperature = req.temperature ?? 1;
  const stop = req.stop ?? [];
  const banned = undecodableIds(served);
  const endId = endToken === '' ? undefined : tokenizer.tokenToId(endToken);
  const eosIds = eos === undefined || eos === null ? [] : typeof eos === 'number' ? [eos] : [...eos];
  if (endId !== undefined && !eosIds.includes(endId)) eosIds.push(endId);
  const wanted: Partial<GenerationOptions> = {
    maxNewTokens: req.max_tokens ?? DEFAULT_MAX_TOKENS,
    doSample: temperature > 0,
    temperature: temperature > 0 ? temperature : 1,
    topP: req.top_p ?? 1,
    topK: req.top_k === undefined || req.top_k === null || req.top_k < 0 ? 0 : req.top_k,
    minP: req.min_p ?? 0,
    typicalP: req.typical_p ?? 1,
    repetitionPenalty: req.repetition_penalty ?? 1,
    stopStrings: typeof stop === 'string' ? [stop] : stop,
    badWordsIds: banned.map((id) => [id]),
    seed: req.seed ?? null,
    eosTokenId: eosIds.length > 0 ? eosIds : null,
    tokenizer,
  };
  let options: GenerationOptions;
  try {
    options = resolveOptions(model, wanted);
  } catch (e) {
    if (e instanceof LmkitError) throw badRequest(e.message);
    throw e;
  }
  return { prompts, n: req.n ?? 1, echo: req.echo ?? false, logprobs: req.logprobs ?? null, options };
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The generated tokens of row `b` with their log-probabilities, from those `report` has not sent yet on. */
function generated(run: DecodingRun, b: number, report: LogprobReport | null): ScoredToken[] {
  return run.logprobs[b].slice(report ? report.generatedSent : 0).map((scored) => ({ token: scored.token, scored }));
}

/** What one streamed choice has reported of its log-probabilities: counts and the running text offset. */
class LogprobReport {
  generatedSent = 0;
  private offset = 0;

  constructor(private readonly served: ServedModel, private readonly top: number | null) {}

  /**
   * The `logprobs` object of a chunk carrying `scored` (null when log-probabilities were not asked for);
   * `generated`: they are generated tokens (not the echoed prompt's).
   */
  next(scored: readonly ScoredToken[], generated: boolean): CompletionLogprobs | null {
    if (generated) this.generatedSent += scored.length;
    if (this.top === null) return null;
    const out = completionLogprobs(this.served.tokenizer, scored, this.offset);
    this.offset += out.tokens.reduce((n, t) => n + t.length, 0);
    return out;
  }
}

/**
 * Generates every choice of the plan (choice index = prompt index × n + j, as OpenAI orders them).
 * `onText` receives text pieces as they become safe to show; `signal` stops the work between steps.
 */
export async function runCompletion(served: ServedModel, plan: CompletionPlan, signal: AbortSignal,
  onText?: TextSink): Promise<{ choices: CompletionChoice[]; usage: CompletionUsage }> {
  const choices: CompletionChoice[] = [];
  let promptTokens = 0;
  let completionTokens = 0;
  for (const [p, prompt] of plan.prompts.entries()) {
    promptTokens += prompt.ids.length;
    const rows = Array.from({ length: plan.n }, () => prompt.ids);
    const run = new DecodingRun(served.model, rows, plan.options);
    const top = plan.logprobs;
    // An echoed prompt's log-probabilities come from the first step's pass over the prompt; with nothing
    // to generate, from a pass of their own.
    const scorePrompt = top !== null && plan.echo;
    if (top !== null) run.recordLogprobs(top, { prompt: scorePrompt && !run.finished });
    let echoed: ScoredToken[] = [];
    const base = p * plan.n;
    const tokens = rows.map(() => 0);
    const shown = rows.map(() => 0);
    const reported = rows.map(() => new LogprobReport(served, top));
    const send = async (b: number, text: string, scored: readonly ScoredToken[], isGenerated = true) => {
      if (onText) await onText(base + b, text, reported[b].next(scored, isGenerated));
    };
    let echoSent = false;
    const sendEcho = async () => {
      echoSent = true;
      if (scorePrompt) {
        const scored = run.promptLogprobs?.[0] ?? promptLogprobs(served.model, prompt.ids, top);
        echoed = scored.map((s, i) => ({ token: prompt.ids[i], scored: s }));
      }
      if (plan.echo) for (let b = 0; b < plan.n; b++) await send(b, prompt.text, echoed, false);
    };
    if (!scorePrompt || run.finished) await sendEcho();
    while (!run.finished) {
      if (signal.aborted) throw new GenerationAborted();
      run.done.forEach((d, b) => { if (!d) tokens[b]++; });
      run.step();
      if (!echoSent) await sendEcho();
      if (onText) {
        for (let b = 0; b < plan.n; b++) {
          const text = run.releasableText(b);
          if (text.length > shown[b]) await send(b, text.slice(shown[b]), generated(run, b, reported[b]));
          shown[b] = Math.max(shown[b], text.length);
        }
      }
      await nextTick();
    }
    const texts = run.texts ?? rows.map(() => '');
    for (let b = 0; b < plan.n; b++) {
      const rest = generated(run, b, reported[b]);
      if (onText && (texts[b].length > shown[b] || rest.length > 0)) await send(b, texts[b].slice(shown[b]), rest);
      completionTokens += tokens[b];
      choices.push({
        index: base + b,
        text: plan.echo ? prompt.text + texts[b] : texts[b],
        finish_reason: run.done[b] ? 'stop' : 'length',
        logprobs: top === null ? null : completionLogprobs(served.tokenizer, [...echoed, ...generated(run, b, null)]),
      });
    }
  }
  if (signal.aborted) throw new GenerationAborted();
  return { choices, usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens } };
}
