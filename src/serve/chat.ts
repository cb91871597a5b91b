/**
 * Chat completions for a model that ships a chat template: the messages are rendered with the
 * checkpoint's own Jinja template (@huggingface/jinja, as transformers.js does) into a plain prompt.
 */
import { Template } from '@huggingface/jinja';
import { ApiError, badRequest } from './api-error.js';
import type { ChatRequest, CompletionRequest } from './request.js';
import type { ChatTemplate } from './served-model.js';

/** The text a chat template makes of the messages, ending where the assistant's reply begins. */
export function renderChat(template: ChatTemplate, messages: ChatRequest['messages']): string {
  let compiled: Template;
  try {
    compiled = new Template(template.source);
  } catch (e) {
    throw new ApiError(500, `the model's chat template does not parse: ${(e as Error).message}`, null, 'chat_template_invalid');
  }
  const plain = messages.map((m) => ({
    ...m,
    content: m.content === null ? '' : typeof m.content === 'string' ? m.content : m.content.map((p) => p.text).join(''),
  }));
  try {
    return compiled.render({
      messages: plain, add_generation_prompt: true, bos_token: template.bosToken, eos_token: template.eosToken,
    });
  } catch (e) {
    // Templates refuse some conversations themselves (raise_exception), e.g. roles out of order.
    throw badRequest(`the model's chat template rejected the messages: ${(e as Error).message}`, 'messages', 'chat_template_error');
  }
}

/** The completion request a chat request amounts to: the rendered conversation as the prompt. */
export function chatAsCompletion(req: ChatRequest, prompt: string): CompletionRequest {
  const { messages: _m, max_completion_tokens, logprobs, top_logprobs, ...rest } = req;
  return { ...rest, max_tokens: max_completion_tokens ?? req.max_tokens, prompt, echo: false, logprobs: logprobs ? (top_logprobs ?? 0) : null };
}
