/**
 * An OpenAI-compatible HTTP server for one lmkit model (Node's http module):
 * GET /v1/models, POST /v1/completions (JSON or Server-Sent Events), POST /v1/chat/completions (only
 * for a model with a chat template), GET /health, and the web playground at /.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LmkitError } from '../errors.js';
import { ApiError, badRequest } from './api-error.js';
import { readJsonBody } from './body.js';
import { GenerationAborted, planCompletion, runCompletion } from './completion.js';
import { ConcurrencyLimiter } from './limiter.js';
import { chatLogprobs } from './logprobs.js';
import { chatAsCompletion, renderChat } from './chat.js';
import { type CompletionRequest, defaultRequestLimits, parseChatRequest, parseCompletionRequest, type RequestLimits } from './request.js';
import type { ServedModel } from './served-model.js';
import { SseWriter } from './sse.js';
import { defaultWebDir, playgroundFiles } from './static-files.js';

export interface ServerOptions {
  /** Generations that run at once (interleaved a step at a time); later requests queue. Default 1. */
  maxConcurrency?: number;
  /** Requests that may wait for a slot; beyond that a 503. Default 64. */
  maxQueue?: number;
  /** Largest request body in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Longest prompt in tokens (and never more than the model's context). Default 8192. */
  maxPromptTokens?: number;
  /** Caps on max_tokens, n and prompts per request. */
  limits?: Partial<RequestLimits>;
  /** The playground's folder; null serves none. Default: web/ of the package. */
  webDir?: string | null;
  /** One line per request and per server error; default: none. */
  log?: (line: string) => void;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A running (or ready to run) server for one model. */
export class LmServer {
  readonly http: http.Server;
  private readonly limiter: ConcurrencyLimiter;
  private readonly limits: RequestLimits;
  private readonly maxBodyBytes: number;
  private readonly maxPromptTokens: number;
  private readonly files: Map<string, { file: string; type: string }>;
  private readonly routes: Map<string, Partial<Record<string, Handler>>>;
  private readonly log: (line: string) => void;

  constructor(readonly served: ServedModel, opts: ServerOptions = {}) {
    this.limiter = new ConcurrencyLimiter(opts.maxConcurrency ?? 1, opts.maxQueue ?? 64);
    this.limits = { ...defaultRequestLimits, ...opts.limits };
    this.maxBodyBytes = opts.maxBodyBytes ?? 1 << 20;
    this.maxPromptTokens = opts.maxPromptTokens ?? 8192;
    this.files = playgroundFiles(opts.webDir === undefined ? defaultWebDir : opts.webDir);
    this.log = opts.log ?? (() => {});
    this.routes = new Map<string, Partial<Record<string, Handler>>>([
      ['/health', { GET: (_q, s) => this.health(s) }],
      ['/v1/models', { GET: (_q, s) => sendJson(s, 200, { object: 'list', data: [this.modelCard()] }) }],
      ['/v1/completions', { POST: (q, s) => this.completions(q, s) }],
      ['/v1/chat/completions', { POST: (q, s) => this.chatCompletions(q, s) }],
    ]);
    for (const path of this.files.keys()) this.routes.set(path, { GET: (_q, s) => this.sendFile(path, s) });
    this.http = http.createServer((req, res) => {
      this.dispatch(req, res).catch((e: unknown) => this.fail(res, e));
    });
  }

  /** Starts listening; resolves with the bound address (port 0 picks a free port). */
  listen(port: number, host = '127.0.0.1'): Promise<{ host: string; port: number; url: string }> {
    return new Promise((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, host, () => {
        this.http.off('error', reject);
        const addr = this.http.address() as AddressInfo;
        const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
        resolve({ host: addr.address, port: addr.port, url: `http://${shown}:${addr.port}` });
      });
    });
  }

  /** Stops accepting connections, ends open ones (running generations stop) and resolves when closed. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.http.close(() => resolve());
      this.http.closeAllConnections();
    });
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    res.on('close', () => this.log(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started} ms${res.writableFinished ? '' : ' (client left)'}`));
    let path: string;
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      throw badRequest('malformed request URL');
    }
    const route = this.routes.get(path) ?? (path.startsWith('/v1/models/') ? { GET: this.modelById(path) } : undefined);
    if (!route) throw new ApiError(404, `no route ${req.method} ${path}`, null, 'not_found');
    const method = req.method === 'HEAD' && route.GET ? 'GET' : req.method ?? 'GET';
    const handler = route[method];
    if (!handler) {
      const allow = Object.keys(route).join(', ');
      throw Object.assign(new ApiError(405, `${req.method} is not allowed on ${path} (allowed: ${allow})`, null, 'method_not_allowed'), { allow });
    }
    await handler(req, res);
  }

  private fail(res: http.ServerResponse, e: unknown): void {
    if (e instanceof GenerationAborted || res.destroyed) return;
    // lmkit's own errors name what went wrong; anything else stays private to the server log.
    const err = e instanceof ApiError ? e
      : new ApiError(500, e instanceof LmkitError ? `generation failed: ${e.message}` : 'internal server error', null, 'internal_error');
    if (!(e instanceof ApiError)) this.log(`error: ${(e as Error)?.stack ?? String(e)}`);
    if (res.headersSent) {
      // Mid-stream: the error as a last event.
      if (!res.writableEnded) res.end(`data: ${JSON.stringify(err.toJSON())}\n\n`);
      return;
    }
    const headers: http.OutgoingHttpHeaders = {};
    const allow = (e as { allow?: string }).allow;
    if (allow) headers.allow = allow;
    if (err.code === 'body_too_large') headers.connection = 'close';
    sendJson(res, err.status, err.toJSON(), headers);
  }

  private modelCard() {
    return { id: this.served.name, object: 'model', created: this.served.created, owned_by: 'lmkit' };
  }

  private modelById(path: string): Handler {
    return (_req, res) => {
      let id: string;
      try {
        id = decodeURIComponent(path.slice('/v1/models/'.length));
      } catch {
        throw badRequest(`malformed model id in ${path}`, 'model');
      }
      if (id !== this.served.name) throw new ApiError(404, `model '${id}' does not exist (this server serves '${this.served.name}')`, 'model', 'model_not_found');
      sendJson(res, 200, this.modelCard());
    };
  }

  private health(res: http.ServerResponse): void {
    sendJson(res, 200, { status: 'ok', model: this.served.name, running: this.limiter.active, queued: this.limiter.queued });
  }

  private sendFile(path: string, res: http.ServerResponse): void {
    const entry = this.files.get(path)!;
    const body = fs.readFileSync(entry.file);
    res.writeHead(200, { 'content-type': entry.type, 'content-length': body.length, 'cache-control': 'no-cache' });
    res.end(body);
  }

  private checkModel(name: string | undefined): void {
    if (name !== undefined && name !== this.served.name) {
      throw badRequest(`model '${name}' does not exist; this server serves '${this.served.name}' (see GET /v1/models)`, 'model', 'model_not_found');
    }
  }

  private async chatCompletions(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const aborter = this.abortOnClose(res);
    const body = await readJsonBody(req, this.maxBodyBytes);
    const template = this.served.chatTemplate;
    if (template === null) {
      throw badRequest(`model '${this.served.name}' has no chat template (no chat_template in its tokenizer_config.json), so it cannot serve chat completions; use POST /v1/completions with a plain prompt`,
        'model', 'chat_template_missing');
    }
    const chat = parseChatRequest(body, this.limits);
    this.checkModel(chat.model);
    const request = chatAsCompletion(chat, renderChat(template, chat.messages));
    const plan = planCompletion(this.served, request, this.maxPromptTokens, template.eosToken);
    await this.generate(aborter.signal, async () => {
      const head = { id: `chatcmpl-${randomUUID()}`, created: Math.floor(Date.now() / 1000), model: this.served.name };
      if (!request.stream) {
        const { choices, usage } = await runCompletion(this.served, plan, aborter.signal);
        sendJson(res, 200, {
          ...head, object: 'chat.completion',
          choices: choices.map((c) => ({
            index: c.index, message: { role: 'assistant', content: c.text }, finish_reason: c.finish_reason,
            logprobs: c.logprobs ? chatLogprobs(c.logprobs) : null,
          })),
          usage,
        });
        return;
      }
      const sse = new SseWriter(res);
      const chunk = (choices: Record<string, unknown>[]) => ({ ...head, object: 'chat.completion.chunk', choices });
      const started = new Set<number>();
      const { choices, usage } = await runCompletion(this.served, plan, aborter.signal, async (index, text, logprobs) => {
        const delta = started.has(index) ? { content: text } : { role: 'assistant', content: text };
        started.add(index);
        await sse.send(chunk([{ index, delta, logprobs: logprobs ? chatLogprobs(logprobs) : null, finish_reason: null }]));
      });
      for (const c of choices) {
        const delta = started.has(c.index) ? {} : { role: 'assistant', content: '' };
        await sse.send(chunk([{ index: c.index, delta, logprobs: null, finish_reason: c.finish_reason }]));
      }
      if (request.stream_options?.include_usage) await sse.send({ ...chunk([]), usage });
      sse.finish();
    });
  }

  /** An AbortController that fires when the client goes away before the response is complete. */
  private abortOnClose(res: http.ServerResponse): AbortController {
    const aborter = new AbortController();
    res.on('close', () => { if (!res.writableFinished) aborter.abort(); });
    return aborter;
  }

  /** Runs `work` once a generation slot is free (nothing if the client left while queued). */
  private async generate(signal: AbortSignal, work: () => Promise<void>): Promise<void> {
    let release: () => void;
    try {
      release = await this.limiter.acquire(signal);
    } catch (e) {
      if (signal.aborted) return;
      throw e;
    }
    try {
      await work();
    } finally {
      release();
    }
  }

  private async completions(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const aborter = this.abortOnClose(res);
    const body = await readJsonBody(req, this.maxBodyBytes);
    const request = parseCompletionRequest(body, this.limits);
    this.checkModel(request.model);
    const plan = planCompletion(this.served, request, this.maxPromptTokens);
    await this.generate(aborter.signal, async () => {
      if (request.stream) await this.streamCompletion(request, plan, aborter.signal, res);
      else {
        const { choices, usage } = await runCompletion(this.served, plan, aborter.signal);
        sendJson(res, 200, { ...this.header(), choices, usage });
      }
    });
  }

  private header() {
    return { id: `cmpl-${randomUUID()}`, object: 'text_completion', created: Math.floor(Date.now() / 1000), model: this.served.name };
  }

  private async streamCompletion(request: CompletionRequest, plan: ReturnType<typeof planCompletion>,
    signal: AbortSignal, res: http.ServerResponse): Promise<void> {
    const sse = new SseWriter(res);
    const head = this.header();
    const chunk = (choices: Record<string, unknown>[]) => ({ ...head, choices });
    const { choices, usage } = await runCompletion(this.served, plan, signal,
      (index, text, logprobs) => sse.send(chunk([{ index, text, logprobs, finish_reason: null }])));
    for (const c of choices) await sse.send(chunk([{ index: c.index, text: '', logprobs: null, finish_reason: c.finish_reason }]));
    if (request.stream_options?.include_usage) await sse.send({ ...chunk([]), usage });
    sse.finish();
  }
}
