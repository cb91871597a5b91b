/**
 * The request bodies the server accepts, validated with zod. Field names and meanings follow OpenAI's
 * completions API; `top_k`, `min_p`, `typical_p` and `repetition_penalty` are Hugging Face's warpers
 * (as vLLM and text-generation-inference accept them).
 */
import { z } from 'zod';
import { badRequest } from './api-error.js';

/** Server-side bounds on what one request may ask for. */
export interface RequestLimits {
  /** Largest `max_tokens`. */
  maxTokens: number;
  /** Largest `n`. */
  maxN: number;
  /** Most prompts in one request. */
  maxPrompts: number;
  /** Most choices (prompts × n) in one request. */
  maxChoices: number;
}

export const defaultRequestLimits: RequestLimits = { maxTokens: 1024, maxN: 16, maxPrompts: 16, maxChoices: 32 };

const MAX_STOPS = 16;
/** Most alternatives per token in `logprobs` / `top_logprobs` (vLLM's default limit). */
const MAX_LOGPROBS = 20;

const tokenId = z.number().int().min(0);

const nullOnly = (message: string) => z.null({ error: message }).optional();

/** Fields shared by completions and chat completions. */
function samplingFields(limits: RequestLimits) {
  const unsupportedPenalty = (name: string) => z.number().nullish().refine((v) => v === undefined || v === null || v === 0, {
    error: `${name} is not supported by this server (only 0); use repetition_penalty (Hugging Face's, > 1 discourages repeats)`,
  });
  return {
    model: z.string().optional(),
    max_tokens: z.number().int().min(0).max(limits.maxTokens).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().gt(0).max(1).nullish(),
    top_k: z.number().int().min(-1).nullish(),
    min_p: z.number().min(0).max(1).nullish(),
    typical_p: z.number().gt(0).max(1).nullish(),
    repetition_penalty: z.number().gt(0).max(100).nullish(),
    frequency_penalty: unsupportedPenalty('frequency_penalty'),
    presence_penalty: unsupportedPenalty('presence_penalty'),
    stop: z.union([z.string().min(1), z.array(z.string().min(1)).max(MAX_STOPS)], {
      error: `stop must be a non-empty string or an array of at most ${MAX_STOPS} non-empty strings`,
    }).nullish(),
    n: z.number().int().min(1).max(limits.maxN).nullish(),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.strictObject({ include_usage: z.boolean().optional() }).nullish(),
    logit_bias: z.record(z.string(), z.number()).nullish().refine((v) => !v || Object.keys(v).length === 0, {
      error: 'logit_bias is not supported by this server',
    }),
    user: z.string().optional(),
  };
}

function completionSchema(limits: RequestLimits) {
  return z.strictObject({
    ...samplingFields(limits),
    prompt: z.union([
      z.string(),
      z.array(z.string()).min(1).max(limits.maxPrompts),
      z.array(tokenId).min(1),
      z.array(z.array(tokenId).min(1)).min(1).max(limits.maxPrompts),
    ], { error: `prompt must be a string, an array of 1 to ${limits.maxPrompts} strings, an array of token ids, or an array of token-id arrays` }),
    best_of: z.number().int().nullish().refine((v) => v === undefined || v === null || v === 1, {
      error: 'best_of is not supported by this server (only 1)',
    }),
    echo: z.boolean().nullish(),
    logprobs: z.number().int().min(0).max(MAX_LOGPROBS).nullish(),
    suffix: nullOnly('suffix (insertion) is not supported by this server'),
  });
}

const MAX_MESSAGES = 256;

function chatSchema(limits: RequestLimits) {
  const content = z.union([
    z.string(),
    z.array(z.object({ type: z.literal('text'), text: z.string() })),
    z.null(),
  ], { error: 'content must be a string, null, or an array of {type: "text", text} parts' });
  return z.strictObject({
    ...samplingFields(limits),
    messages: z.array(z.object({
      role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
      content,
      name: z.string().optional(),
    })).min(1).max(MAX_MESSAGES),
    max_completion_tokens: z.number().int().min(0).max(limits.maxTokens).nullish(),
    logprobs: z.boolean().nullish(),
    top_logprobs: z.number().int().min(0).max(MAX_LOGPROBS).nullish(),
  });
}

export type CompletionRequest = z.infer<ReturnType<typeof completionSchema>>;
export type ChatRequest = z.infer<ReturnType<typeof chatSchema>>;

/** The first problem zod found, as a 400 naming the field. */
function firstIssue(error: z.ZodError): Error {
  const issue = error.issues[0];
  const param = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0];
    return badRequest(`unrecognized request argument: ${key}`, param ? `${param}.${key}` : key, 'unknown_parameter');
  }
  return param ? badRequest(`${param}: ${issue.message}`, param) : badRequest(issue.message);
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown, required: string): T {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('the request body must be a JSON object', null, 'invalid_body');
  }
  if (!(required in body)) throw badRequest(`missing required parameter: ${required}`, required, 'missing_required_parameter');
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw firstIssue(parsed.error);
  return parsed.data;
}

/** Validates a completions body (already parsed JSON) or throws a 400 naming the field. */
export function parseCompletionRequest(body: unknown, limits: RequestLimits): CompletionRequest {
  const r = parseBody(completionSchema(limits), body, 'prompt');
  const prompts = Array.isArray(r.prompt) && (typeof r.prompt[0] === 'string' || Array.isArray(r.prompt[0])) ? r.prompt.length : 1;
  const choices = prompts * (r.n ?? 1);
  if (choices > limits.maxChoices) {
    throw badRequest(`prompts × n must be at most ${limits.maxChoices}, got ${prompts} × ${r.n ?? 1}`, 'n', 'too_many_choices');
  }
  return r;
}

/** Validates a chat completions body or throws a 400 naming the field. */
export function parseChatRequest(body: unknown, limits: RequestLimits): ChatRequest {
  const r = parseBody(chatSchema(limits), body, 'messages');
  if (!r.logprobs && r.top_logprobs !== undefined && r.top_logprobs !== null) {
    throw badRequest('top_logprobs needs logprobs: true', 'top_logprobs');
  }
  return r;
}
