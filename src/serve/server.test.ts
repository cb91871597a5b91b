import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadModel } from '../models/auto.js';
import { SHARED_MISSING, sharedDir } from '../testing/shared.js';
import { readChatTemplate } from './served-model.js';
import { LmServer, type ServerOptions } from './server.js';
import type { ServedModel } from './served-model.js';
import { abcModel, byteTok, CHARS, charTok, served, tinyGpt, worldModel } from './test-models.test-util.js';

async function start(model: ServedModel, opts: ServerOptions = {}) {
  const server = new LmServer(model, opts);
  const { url } = await server.listen(0, '127.0.0.1');
  return { server, url };
}

async function post(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

/** The `data:` payloads of an SSE response, parsed (the final "[DONE]" kept as a string). */
async function events(res: Response): Promise<any[]> {
  const text = await res.text();
  assert.ok(text.endsWith('data: [DONE]\n\n'), `stream ends with [DONE]: ${JSON.stringify(text.slice(-40))}`);
  return text.split('\n\n').filter((e) => e !== '').map((e) => {
    assert.ok(e.startsWith('data: '), `an SSE data line: ${e}`);
    const data = e.slice(6);
    return data === '[DONE]' ? data : JSON.parse(data);
  });
}

async function stream(url: string, body: Record<string, unknown>) {
  const res = await fetch(`${url}/v1/completions`, { method: 'POST', body: JSON.stringify({ ...body, stream: true }) });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const all = await events(res);
  assert.equal(all[all.length - 1], '[DONE]');
  const chunks = all.slice(0, -1);
  const texts = new Map<number, string[]>();
  const finish = new Map<number, string>();
  for (const c of chunks) {
    assert.equal(c.object, 'text_completion');
    for (const ch of c.choices) {
      if (ch.finish_reason) finish.set(ch.index, ch.finish_reason);
      else texts.set(ch.index, [...(texts.get(ch.index) ?? []), ch.text]);
    }
  }
  return { chunks, texts, finish };
}

describe('lmkit serve (cycle model a → b → c over characters)', () => {
  let url = '';
  let server: LmServer;
  const model = abcModel();
  before(async () => ({ server, url } = await start(served('abc', model, charTok()), { maxBodyBytes: 4096, limits: { maxTokens: 64, maxN: 4 } })));
  after(() => server.close());

  test('GET /v1/models and /health', async () => {
    const models = await (await fetch(`${url}/v1/models`)).json();
    assert.deepEqual(models, { object: 'list', data: [{ id: 'abc', object: 'model', created: 1700000000, owned_by: 'lmkit' }] });
    assert.equal((await fetch(`${url}/v1/models/abc`)).status, 200);
    assert.equal((await fetch(`${url}/v1/models/other`)).status, 404);
    assert.equal((await fetch(`${url}/v1/models/%E0%A4%A`)).status, 400);
    const health = await (await fetch(`${url}/health`)).json();
    assert.deepEqual(health, { status: 'ok', model: 'abc', running: 0, queued: 0 });
  });

  test('a greedy completion in OpenAI\'s shape', async () => {
    const { status, json } = await post(`${url}/v1/completions`, { model: 'abc', prompt: 'ca', max_tokens: 7, temperature: 0 });
    assert.equal(status, 200, JSON.stringify(json));
    assert.match(json.id, /^cmpl-/);
    assert.equal(json.object, 'text_completion');
    assert.equal(json.model, 'abc');
    assert.ok(Number.isInteger(json.created));
    assert.deepEqual(json.choices, [{ index: 0, text: 'bcabcab', finish_reason: 'length', logprobs: null }]);
    assert.deepEqual(json.usage, { prompt_tokens: 2, completion_tokens: 7, total_tokens: 9 });
  });

  test('stop strings cut the text and finish with "stop"; echo prepends the prompt', async () => {
    const { json } = await post(`${url}/v1/completions`, { prompt: 'a', max_tokens: 20, temperature: 0, stop: ['ca', 'zz'] });
    assert.deepEqual(json.choices[0], { index: 0, text: 'b', finish_reason: 'stop', logprobs: null });
    assert.equal(json.usage.completion_tokens, 3, 'b, c, a: the stop string ends on the third token');
    const echoed = await post(`${url}/v1/completions`, { prompt: 'Hi a', max_tokens: 4, temperature: 0, stop: 'x', echo: true });
    assert.equal(echoed.json.choices[0].text, 'Hi abcab');
    const scoreOnly = await post(`${url}/v1/completions`, { prompt: 'Hi a', max_tokens: 0, echo: true, logprobs: null });
    assert.deepEqual([scoreOnly.json.choices[0].text, scoreOnly.json.usage.completion_tokens], ['Hi a', 0]);
  });

  test('logprobs: each token\'s log-probability under the model, the top alternatives and text offsets', async () => {
    const sure = Math.log(0.99);
    const other = Math.log(0.01 / (CHARS.length - 1));
    const { json } = await post(`${url}/v1/completions`, { prompt: 'ca', max_tokens: 3, temperature: 0, logprobs: 2 });
    const lp = json.choices[0].logprobs;
    assert.deepEqual(lp.tokens, ['b', 'c', 'a']);
    assert.deepEqual(lp.text_offset, [0, 1, 2]);
    lp.token_logprobs.forEach((v: number) => assert.ok(Math.abs(v - sure) < 1e-6, `${v}`));
    assert.deepEqual(Object.keys(lp.top_logprobs[0]), ['b', '\n'], 'the likeliest, then the lowest id among the tied rest');
    assert.ok(Math.abs(lp.top_logprobs[0]['\n'] - other) < 1e-5);
    // echo with max_tokens 0 scores the prompt: the first token has no context
    const scored = await post(`${url}/v1/completions`, { prompt: 'Hbc', max_tokens: 0, echo: true, logprobs: 0 });
    const p = scored.json.choices[0].logprobs;
    assert.deepEqual([p.tokens, p.text_offset, p.top_logprobs], [['H', 'b', 'c'], [0, 1, 2], [null, {}, {}]]);
    assert.equal(p.token_logprobs[0], null);
    assert.ok(Math.abs(p.token_logprobs[1] - other) < 1e-5, 'after H the model expects a: b has p = 0.01 / (V - 1)');
    assert.ok(Math.abs(p.token_logprobs[2] - sure) < 1e-6);
  });

  test('streamed logprobs: each chunk carries its new tokens, together the same as without streaming', async () => {
    const body = { prompt: 'ca', max_tokens: 4, temperature: 0, logprobs: 1, echo: true, stop: 'ab' };
    const before = model.calls.length;
    const whole = (await post(`${url}/v1/completions`, body)).json.choices[0].logprobs;
    assert.deepEqual(model.calls.slice(before).map((c) => c.T), [2, 1, 1, 1], 'one pass per token: the echoed prompt is scored by the pass that reads it');
    const { chunks } = await stream(url, body);
    const parts = chunks.flatMap((c: any) => c.choices).filter((c: any) => c.logprobs);
    const joined = (key: string) => parts.flatMap((c: any) => c.logprobs[key]);
    for (const key of ['tokens', 'token_logprobs', 'top_logprobs', 'text_offset']) assert.deepEqual(joined(key), whole[key], key);
    assert.deepEqual(whole.tokens, ['c', 'a', 'b', 'c', 'a', 'b'], 'the echoed prompt, then b, c, a, b (completing the stop string ab)');
  });

  test('n > 1 and several prompts: choices ordered prompt × n', async () => {
    const { json } = await post(`${url}/v1/completions`, { prompt: ['a', 'b'], n: 3, max_tokens: 3, temperature: 0 });
    assert.deepEqual(json.choices.map((c: any) => [c.index, c.text]), [[0, 'bca'], [1, 'bca'], [2, 'bca'], [3, 'cab'], [4, 'cab'], [5, 'cab']]);
    assert.deepEqual(json.usage, { prompt_tokens: 2, completion_tokens: 18, total_tokens: 20 });
    const ids = await post(`${url}/v1/completions`, { prompt: [6, 7], max_tokens: 2, temperature: 0 });
    assert.equal(ids.json.choices[0].text, 'ca', 'token-id prompt [a, b]');
  });

  test('streaming: text pieces, then a finish chunk per choice, usage on request, then [DONE]', async () => {
    const { texts, finish, chunks } = await stream(url, { prompt: ['a', 'b'], n: 2, max_tokens: 5, temperature: 0, stop: 'ab', stream_options: { include_usage: true } });
    assert.deepEqual([...texts.keys()].sort(), [0, 1, 2, 3]);
    assert.equal(texts.get(0)!.join(''), 'bc');
    assert.equal(texts.get(2)!.join(''), 'c');
    assert.deepEqual([0, 1, 2, 3].map((i) => finish.get(i)), ['stop', 'stop', 'stop', 'stop']);
    const usage = chunks[chunks.length - 1];
    assert.deepEqual(usage.choices, []);
    assert.equal(usage.usage.prompt_tokens, 2);
    const echoed = await stream(url, { prompt: 'ab', max_tokens: 3, temperature: 0, echo: true });
    assert.deepEqual(echoed.texts.get(0), ['ab', 'c', 'a', 'b']);
    assert.equal(echoed.finish.get(0), 'length');
  });

  test('bad requests get 400 with OpenAI\'s error shape naming the problem', async () => {
    const cases: [unknown, string | null, RegExp][] = [
      ['{"prompt": "a",', null, /not valid JSON/],
      ['', null, /empty/],
      ['[1, 2]', null, /JSON object/],
      [{}, 'prompt', /missing required parameter: prompt/],
      [{ prompt: 5 }, 'prompt', /prompt must be a string/],
      [{ prompt: 'a', temperature: 'hot' }, 'temperature', /expected number/],
      [{ prompt: 'a', top_p: 2 }, 'top_p', /top_p/],
      [{ prompt: 'a', top_k: 1.5 }, 'top_k', /expected int/],
      [{ prompt: 'a', max_tokens: 65 }, 'max_tokens', /64/],
      [{ prompt: 'a', max_tokens: -1 }, 'max_tokens', /max_tokens/],
      [{ prompt: 'a', n: 5 }, 'n', /n/],
      [{ prompt: 'a', stop: '' }, 'stop', /stop/],
      [{ prompt: 'a', stop: [1] }, 'stop', /stop/],
      [{ prompt: 'a', model: 'gpt-4' }, 'model', /model 'gpt-4' does not exist/],
      [{ prompt: 'a', frequency_penalty: 0.5 }, 'frequency_penalty', /not supported.*repetition_penalty/],
      [{ prompt: 'a', presence_penalty: 1 }, 'presence_penalty', /not supported/],
      [{ prompt: 'a', logprobs: 21 }, 'logprobs', /20/],
      [{ prompt: 'a', temprature: 0.5 }, 'temprature', /unrecognized request argument: temprature/],
      [{ prompt: 'a', stream: 'yes' }, 'stream', /expected boolean/],
      [{ prompt: '€' }, 'prompt', /cannot be encoded.*not in the vocabulary/],
      [{ prompt: '' }, 'prompt', /no tokens/],
      [{ prompt: [9999] }, 'prompt', /outside the vocabulary/],
      [{ prompt: 'a', seed: -1 }, 'seed', /seed/],
    ];
    for (const [body, param, message] of cases) {
      const { status, json } = await post(`${url}/v1/completions`, body);
      assert.equal(status, 400, `${JSON.stringify(body)} → 400, got ${status} ${JSON.stringify(json)}`);
      assert.deepEqual(Object.keys(json.error).sort(), ['code', 'message', 'param', 'type']);
      assert.equal(json.error.type, 'invalid_request_error');
      assert.equal(json.error.param, param, `${JSON.stringify(body)}: param`);
      assert.match(json.error.message, message);
    }
  });

  test('a body over the limit is refused without being read whole', async () => {
    const { status, json } = await post(`${url}/v1/completions`, { prompt: 'a'.repeat(10_000) });
    assert.equal(status, 400);
    assert.equal(json.error.code, 'body_too_large');
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${url}/v1/completions`, { method: 'POST', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.write(`{"prompt": "${'a'.repeat(8000)}`);
      req.end('"}');
    });
    assert.equal(chunked.status, 400);
    assert.match(chunked.body, /body_too_large/);
  });

  test('unknown routes 404, wrong methods 405, no chat template 400', async () => {
    const missing = await fetch(`${url}/v2/nothing`);
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error.type, 'not_found_error');
    const wrong = await fetch(`${url}/v1/completions`);
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'POST');
    assert.match((await wrong.json()).error.message, /GET is not allowed/);
    assert.equal((await fetch(`${url}/v1/models`, { method: 'DELETE' })).status, 405);
    const chat = await post(`${url}/v1/chat/completions`, { model: 'abc', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(chat.status, 400);
    assert.equal(chat.json.error.code, 'chat_template_missing');
    assert.match(chat.json.error.message, /no chat template/);
  });

  test('the playground page is served at /', async () => {
    const res = await fetch(`${url}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html; charset=utf-8/);
    const html = await res.text();
    assert.match(html, /<title>lmkit playground<\/title>/);
    for (const asset of html.matchAll(/(?:src|href)="\/?([\w.-]+\.(?:js|css))"/g)) {
      assert.equal((await fetch(`${url}/${asset[1]}`)).status, 200, `${asset[1]} served`);
    }
    assert.doesNotMatch(html, /https?:\/\//, 'nothing loads from elsewhere');
  });
});

describe('lmkit serve: sampling, context and Chinese text', () => {
  test('a seed makes sampling reproducible, streamed or not; the prompt must fit the context', async () => {
    const { server, url } = await start(served('tiny', tinyGpt(), charTok()));
    try {
      const body = { prompt: 'the whale ', max_tokens: 24, temperature: 1.2, top_k: 20, seed: 5 };
      const a = await post(`${url}/v1/completions`, body);
      const b = await post(`${url}/v1/completions`, body);
      assert.equal(a.status, 200, JSON.stringify(a.json));
      assert.equal(a.json.choices[0].text.length, 24);
      assert.equal(a.json.choices[0].text, b.json.choices[0].text);
      const c = await post(`${url}/v1/completions`, { ...body, seed: 6 });
      assert.notEqual(a.json.choices[0].text, c.json.choices[0].text, 'another seed, another sample');
      const s = await stream(url, body);
      assert.equal(s.texts.get(0)!.join(''), a.json.choices[0].text, 'the stream joins to the same text');
      const zh = await post(`${url}/v1/completions`, { prompt: '人生在世，', max_tokens: 10, temperature: 0.8, seed: 1 });
      assert.equal([...zh.json.choices[0].text].length, 10);
      assert.equal(zh.json.usage.prompt_tokens, 5);
      const long = await post(`${url}/v1/completions`, { prompt: 'a'.repeat(65) });
      assert.equal(long.status, 400);
      assert.equal(long.json.error.code, 'context_length_exceeded');
      assert.match(long.json.error.message, /65 tokens; this model takes at most 64/);
    } finally {
      await server.close();
    }
  });

  test('a character spread over three byte tokens is streamed whole', async () => {
    const { server, url } = await start(served('bytes', worldModel(), byteTok()));
    try {
      const s = await stream(url, { prompt: '你好', max_tokens: 12, temperature: 0 });
      const pieces = s.texts.get(0)!;
      assert.deepEqual(pieces, ['世', '界', '世', '界'], 'each piece is one whole character');
      const { json } = await post(`${url}/v1/completions`, { prompt: '你好', max_tokens: 7, temperature: 0, echo: true });
      assert.equal(json.choices[0].text, '你好世界\ufffd', 'an unfinished character at the end decodes as U+FFFD');
      assert.equal(json.usage.prompt_tokens, 6);
      const stop = await post(`${url}/v1/completions`, { prompt: '你好', max_tokens: 30, temperature: 0, stop: '界世' });
      assert.deepEqual([stop.json.choices[0].text, stop.json.choices[0].finish_reason], ['世', 'stop']);
    } finally {
      await server.close();
    }
  });
});

describe('lmkit serve: concurrency and disconnects', () => {
  for (const maxConcurrency of [1, 2]) {
    test(`two requests at once both complete (max concurrency ${maxConcurrency})`, async () => {
      const { server, url } = await start(served('abc', abcModel(), charTok()), { maxConcurrency });
      try {
        const body = { prompt: 'a', max_tokens: 30, temperature: 0 };
        const [x, y, h] = await Promise.all([
          post(`${url}/v1/completions`, body), post(`${url}/v1/completions`, { ...body, prompt: 'b' }), fetch(`${url}/health`).then((r) => r.json()),
        ]);
        assert.equal(x.json.choices[0].text, 'bca'.repeat(10));
        assert.equal(y.json.choices[0].text, 'cab'.repeat(10));
        assert.equal(h.status, 'ok', 'the server answers while generating');
      } finally {
        await server.close();
      }
    });
  }

  test('a full queue is a 503; a client that leaves a stream stops its generation', async () => {
    const model = abcModel();
    const { server, url } = await start(served('abc', model, charTok()), { maxQueue: 0, limits: { maxTokens: 100_000 } });
    try {
      const aborter = new AbortController();
      const res = await fetch(`${url}/v1/completions`, {
        method: 'POST', body: JSON.stringify({ prompt: 'a', max_tokens: 100_000, temperature: 0, stream: true }), signal: aborter.signal,
      });
      const reader = res.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      assert.match(first, /^data: \{/);
      const busy = await post(`${url}/v1/completions`, { prompt: 'a', max_tokens: 1 });
      assert.equal(busy.status, 503);
      assert.equal(busy.json.error.code, 'server_busy');
      aborter.abort();
      let health: any;
      for (let i = 0; i < 200; i++) {
        health = await (await fetch(`${url}/health`)).json();
        if (health.running === 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      assert.equal(health.running, 0, 'the slot is released');
      const steps = model.calls.length;
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(model.calls.length, steps, 'no more steps after the client left');
      assert.ok(steps < 100_000, `stopped early (${steps} steps)`);
      const next = await post(`${url}/v1/completions`, { prompt: 'a', max_tokens: 2, temperature: 0 });
      assert.equal(next.json.choices[0].text, 'bc');
    } finally {
      await server.close();
    }
  });
});

test('a client that leaves a plain (non-stream) request stops its generation too', async () => {
  const model = abcModel();
  const { server, url } = await start(served('abc', model, charTok()), { limits: { maxTokens: 100_000 } });
  try {
    const aborter = new AbortController();
    const pending = fetch(`${url}/v1/completions`, {
      method: 'POST', body: JSON.stringify({ prompt: 'a', max_tokens: 100_000, temperature: 0 }), signal: aborter.signal,
    }).catch((e: Error) => e.name);
    for (let i = 0; i < 500 && model.calls.length < 10; i++) await new Promise((r) => setTimeout(r, 5));
    aborter.abort();
    assert.equal(await pending, 'AbortError');
    let running = 1;
    for (let i = 0; i < 200 && running !== 0; i++) {
      running = (await (await fetch(`${url}/health`)).json()).running;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(running, 0);
    const steps = model.calls.length;
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(model.calls.length, steps, 'no more steps after the client left');
    assert.ok(steps < 100_000);
  } finally {
    await server.close();
  }
});

describe('lmkit serve: a Hugging Face GPT-2 folder', () => {
  const shared = sharedDir();
  test('serves the shared tiny GPT-2 with the GPT-2 tokenizer (EOS ends a choice)', { skip: shared ? false : SHARED_MISSING }, async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-serve-gpt2-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    for (const f of ['config.json', 'model.safetensors']) fs.copyFileSync(path.join(shared!, 'fixtures/torch/gpt2-tiny', f), path.join(dir, f));
    for (const f of ['tokenizer.json', 'tokenizer_config.json']) fs.copyFileSync(path.join(shared!, 'fixtures/tokenizers/gpt2', f), path.join(dir, f));
    const { model, tokenizer } = await loadModel(dir);
    const { server, url } = await start({ ...served('gpt2-tiny', model, tokenizer!), chatTemplate: readChatTemplate(dir) });
    try {
      // The tiny model knows only the first 64 ids ("!" to "`"); its EOS is id 0, "!". Ids 32-34 are "ABC".
      const { status, json } = await post(`${url}/v1/completions`, { prompt: [32, 33, 34], max_tokens: 20, temperature: 0 });
      assert.equal(status, 200, JSON.stringify(json));
      const text: string = json.choices[0].text;
      assert.ok([...text].every((c) => c >= '"' && c <= '`'), `only the model's 64 tokens, never its EOS: ${text}`);
      assert.equal(json.choices[0].finish_reason, text.length < 20 ? 'stop' : 'length');
      const direct = (model.generate([[32, 33, 34]], { maxNewTokens: 20 }).tolist() as number[][])[0].slice(3);
      assert.equal(text, tokenizer!.decode(direct), 'the same text as generate() gives');
      const s = await stream(url, { prompt: [32, 33, 34], max_tokens: 20, temperature: 0 });
      assert.equal(s.texts.get(0)?.join('') ?? '', text);
      const outside = await post(`${url}/v1/completions`, { prompt: 'hello' });
      assert.equal(outside.status, 400);
      assert.match(outside.json.error.message, /outside the model's vocabulary \(expected id < 64/);
    } finally {
      await server.close();
    }
  });
});
