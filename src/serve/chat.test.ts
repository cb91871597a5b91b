import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readChatTemplate } from './served-model.js';
import { LmServer } from './server.js';
import { abcModel, charTok, served } from './test-models.test-util.js';

// Each message's content, then "a" to start the reply; a conversation must begin with the user.
const TEMPLATE = "{% if messages[0].role != 'user' %}{{ raise_exception('the first message must be from the user') }}{% endif %}"
  + '{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}{% if add_generation_prompt %}a{% endif %}';

async function post(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

test('readChatTemplate: tokenizer_config.json chat_template with its special tokens, or none', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-chat-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  assert.equal(readChatTemplate(dir), null);
  fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ chat_template: TEMPLATE, bos_token: 'b', eos_token: { content: 'c' } }));
  assert.deepEqual(readChatTemplate(dir), { source: TEMPLATE, bosToken: 'b', eosToken: 'c' });
  fs.writeFileSync(path.join(dir, 'chat_template.jinja'), '{{ messages[0].content }}');
  assert.equal(readChatTemplate(dir)!.source, '{{ messages[0].content }}', 'chat_template.jinja wins');
});

describe('POST /v1/chat/completions with a chat template', () => {
  let server: LmServer;
  let url = '';
  before(async () => {
    server = new LmServer({ ...served('abc-chat', abcModel(), charTok()), chatTemplate: { source: TEMPLATE, bosToken: '', eosToken: 'c' } });
    ({ url } = await server.listen(0, '127.0.0.1'));
  });
  after(() => server.close());

  test('renders the messages and stops at the template\'s eos_token', async () => {
    const { status, json } = await post(`${url}/v1/chat/completions`, {
      model: 'abc-chat', messages: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: [{ type: 'text', text: 'b' }] }], temperature: 0,
    });
    assert.equal(status, 200, JSON.stringify(json));
    assert.match(json.id, /^chatcmpl-/);
    assert.equal(json.object, 'chat.completion');
    assert.deepEqual(json.choices, [{ index: 0, message: { role: 'assistant', content: 'b' }, finish_reason: 'stop', logprobs: null }]);
    assert.deepEqual(json.usage, { prompt_tokens: 4, completion_tokens: 2, total_tokens: 6 });
  });

  test('logprobs: true with top_logprobs gives each reply token\'s log-probability and alternatives', async () => {
    const { json } = await post(`${url}/v1/chat/completions`, { messages: [{ role: 'user', content: 'x' }], temperature: 0, logprobs: true, top_logprobs: 1 });
    const content = json.choices[0].logprobs.content;
    assert.deepEqual(content.map((c: any) => c.token), ['b', 'c'], 'the reply b, then the eos_token c');
    for (const c of content) {
      assert.ok(Math.abs(c.logprob - Math.log(0.99)) < 1e-6);
      assert.deepEqual(c.bytes, [c.token.charCodeAt(0)]);
      assert.deepEqual(c.top_logprobs.map((t: any) => t.token), [c.token]);
    }
  });

  test('streamed chat chunks carry the log-probabilities of their tokens', async () => {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST', body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }], temperature: 0, stream: true, logprobs: true }),
    });
    const chunks = (await res.text()).split('\n\n').filter((e) => e.startsWith('data: {')).map((e) => JSON.parse(e.slice(6)));
    const content = chunks.flatMap((c) => c.choices).flatMap((c: any) => c.logprobs?.content ?? []);
    assert.deepEqual(content.map((c: any) => c.token), ['b', 'c']);
    assert.ok(content.every((c: any) => Math.abs(c.logprob - Math.log(0.99)) < 1e-6));
  });

  test('streams chat.completion.chunk deltas, the role first', async () => {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST', body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }], temperature: 0, stream: true, n: 2 }),
    });
    const text = await res.text();
    assert.ok(text.endsWith('data: [DONE]\n\n'));
    const chunks = text.split('\n\n').filter((e) => e.startsWith('data: {')).map((e) => JSON.parse(e.slice(6)));
    assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'));
    for (const index of [0, 1]) {
      const mine = chunks.flatMap((c) => c.choices).filter((c: any) => c.index === index);
      assert.deepEqual(mine[0].delta, { role: 'assistant', content: 'b' });
      assert.equal(mine[mine.length - 1].finish_reason, 'stop');
    }
  });

  test('bad conversations are 400s', async () => {
    const cases: [unknown, string | null, RegExp][] = [
      [{}, 'messages', /missing required parameter: messages/],
      [{ messages: [] }, 'messages', /messages/],
      [{ messages: [{ role: 'wizard', content: 'x' }] }, 'messages.0.role', /role/],
      [{ messages: [{ role: 'user', content: 5 }] }, 'messages.0.content', /content must be/],
      [{ messages: [{ role: 'system', content: 'x' }] }, 'messages', /chat template rejected the messages: the first message must be from the user/],
      [{ messages: [{ role: 'user', content: 'x' }], top_logprobs: 2 }, 'top_logprobs', /needs logprobs: true/],
      [{ messages: [{ role: 'user', content: 'x' }], model: 'other' }, 'model', /does not exist/],
    ];
    for (const [body, param, message] of cases) {
      const { status, json } = await post(`${url}/v1/chat/completions`, body);
      assert.equal(status, 400, `${JSON.stringify(body)} → ${status} ${JSON.stringify(json)}`);
      assert.equal(json.error.param, param, JSON.stringify(json));
      assert.match(json.error.message, message);
    }
  });
});
