// The lmkit playground: streams completions from this server's /v1/completions (Server-Sent Events).
const $ = (id) => document.getElementById(id);
const ui = {
  prompt: $('prompt'), output: $('output'), error: $('error'), stats: $('stats'),
  generate: $('generate'), stop: $('stop'), cont: $('continue'), clear: $('clear'),
  modelName: $('model-name'), dot: $('status-dot'),
  temperature: $('temperature'), topP: $('top_p'), topK: $('top_k'), maxTokens: $('max_tokens'),
  stops: $('stop-strings'), seed: $('seed'),
};

let model = null;
let running = null; // the AbortController of the generation in progress
let lastText = '';

for (const [input, shown] of [[ui.temperature, $('temperature-value')], [ui.topP, $('top_p-value')]]) {
  const show = () => { shown.textContent = Number(input.value).toFixed(2); };
  input.addEventListener('input', show);
  show();
}

async function loadModel() {
  try {
    const res = await fetch('/v1/models');
    const body = await res.json();
    model = body.data[0].id;
    ui.modelName.textContent = model;
    ui.dot.className = 'dot ok';
  } catch {
    ui.modelName.textContent = 'server unreachable';
    ui.dot.className = 'dot down';
  }
}

/** "a, b\n" → ['a', 'b\n']: comma-separated, with \n, \t and \\ escapes (\, is a literal comma). */
function parseStops(text) {
  const stops = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\' && i + 1 < text.length) {
      const next = text[++i];
      cur += next === 'n' ? '\n' : next === 't' ? '\t' : next;
    } else if (ch === ',') {
      stops.push(cur.trim() === '' ? cur : cur.trim());
      cur = '';
    } else cur += ch;
  }
  stops.push(cur.trim() === '' ? cur : cur.trim());
  return stops.filter((s) => s !== '');
}

function request() {
  const body = {
    model, prompt: ui.prompt.value, stream: true, stream_options: { include_usage: true },
    temperature: Number(ui.temperature.value), top_p: Number(ui.topP.value),
    top_k: Math.max(0, Math.floor(Number(ui.topK.value) || 0)),
    max_tokens: Math.max(1, Math.floor(Number(ui.maxTokens.value) || 1)),
  };
  const stops = parseStops(ui.stops.value);
  if (stops.length > 0) body.stop = stops;
  if (ui.seed.value.trim() !== '') body.seed = Math.floor(Number(ui.seed.value));
  return body;
}

function showError(message) {
  ui.error.textContent = message;
  ui.error.hidden = false;
}

function setRunning(on) {
  ui.generate.disabled = on;
  ui.stop.disabled = !on;
  ui.cont.disabled = on || lastText === '';
  ui.output.classList.toggle('running', on);
  ui.dot.className = on ? 'dot busy' : model ? 'dot ok' : 'dot down';
}

/** Yields the parsed `data:` payloads of an SSE response body. */
async function* sseEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      if (data === '[DONE]') return;
      if (data !== '') yield JSON.parse(data);
    }
  }
}

async function generate() {
  if (running) return;
  const body = request();
  ui.error.hidden = true;
  ui.output.replaceChildren();
  const promptSpan = Object.assign(document.createElement('span'), { className: 'prompt-text', textContent: body.prompt });
  const generated = Object.assign(document.createElement('span'), { className: 'generated' });
  ui.output.append(promptSpan, generated);
  lastText = '';
  running = new AbortController();
  setRunning(true);
  const started = performance.now();
  let finish = null;
  let usage = null;
  let chars = 0;
  // Fast models send hundreds of pieces a second: draw at most once a frame so the page stays responsive.
  let frame = 0;
  const draw = () => {
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    generated.textContent = lastText;
    ui.output.scrollTop = ui.output.scrollHeight;
    ui.stats.textContent = `${chars} chars · ${((performance.now() - started) / 1000).toFixed(1)} s`;
  };
  try {
    const res = await fetch('/v1/completions', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: running.signal,
    });
    if (!res.ok) {
      const err = await res.json().catch(() => null);
      throw new Error(err?.error?.message ?? `HTTP ${res.status}`);
    }
    for await (const event of sseEvents(res.body)) {
      if (event.error) throw new Error(event.error.message);
      if (event.usage) usage = event.usage;
      for (const choice of event.choices) {
        if (choice.text) {
          lastText += choice.text;
          chars += [...choice.text].length;
        }
        if (choice.finish_reason) finish = choice.finish_reason;
      }
      if (!frame) frame = requestAnimationFrame(draw);
    }
    draw();
    const seconds = (performance.now() - started) / 1000;
    const tokens = usage?.completion_tokens;
    const reason = finish === 'stop' ? 'stopped' : finish === 'length' ? 'max tokens' : 'done';
    ui.stats.textContent = tokens !== undefined
      ? `${tokens} tokens · ${(tokens / Math.max(seconds, 1e-3)).toFixed(1)} tok/s · ${reason}`
      : reason;
  } catch (e) {
    draw();
    if (e.name === 'AbortError') ui.stats.textContent = 'stopped by you';
    else showError(e.message);
  } finally {
    running = null;
    setRunning(false);
  }
}

ui.generate.addEventListener('click', generate);
ui.stop.addEventListener('click', () => running?.abort());
ui.cont.addEventListener('click', () => {
  ui.prompt.value += lastText;
  lastText = '';
  ui.cont.disabled = true;
  ui.prompt.focus();
});
ui.clear.addEventListener('click', () => {
  ui.output.replaceChildren(Object.assign(document.createElement('span'), { className: 'placeholder', textContent: 'The continuation streams here.' }));
  ui.stats.textContent = '';
  ui.error.hidden = true;
});
document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
    e.preventDefault();
    generate();
  }
  if (e.key === 'Escape') running?.abort();
});

loadModel();
