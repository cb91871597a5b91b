/**
 * Drives the web playground in headless Chromium (playwright-core). Skips when no Chromium is
 * installed (set CHROMIUM_PATH, or Debian's /usr/bin/chromium) or playwright-core is missing.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { LmServer } from './server.js';
import { abcModel, byteTok, charTok, served, worldModel } from './test-models.test-util.js';

const executablePath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && fs.existsSync(p));

type Playwright = typeof import('playwright-core');
let playwright: Playwright | null = null;
try {
  playwright = await import('playwright-core');
} catch {
  playwright = null;
}
const SKIP = !executablePath ? 'no Chromium installed' : !playwright ? 'playwright-core is not installed' : false;

describe('web playground', { skip: SKIP }, () => {
  let server: LmServer;
  let url = '';
  let browser: import('playwright-core').Browser;
  before(async () => {
    server = new LmServer(served('abc', abcModel(), charTok()), { limits: { maxTokens: 1_000_000 } });
    ({ url } = await server.listen(0, '127.0.0.1'));
    browser = await playwright!.chromium.launch({
      executablePath, timeout: 30_000,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const setRange = (page: import('playwright-core').Page, id: string, value: string) => page.$eval(`#${id}`, (el, v) => {
    (el as HTMLInputElement).value = v;
    el.dispatchEvent(new Event('input'));
  }, value);

  test('shows the model, streams a completion, honours stop strings, stops on request, shows errors', async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    page.on('request', (r) => { if (!r.url().startsWith(url) && !r.url().startsWith('data:')) external.push(r.url()); });
    await page.goto(`${url}/`);
    await page.waitForFunction(() => document.getElementById('model-name')?.textContent === 'abc', null, { timeout: 10_000 });

    await page.fill('#prompt', 'a');
    await setRange(page, 'temperature', '0');
    await page.fill('#max_tokens', '12');
    await page.click('#generate');
    await page.waitForFunction(() => /tokens/.test(document.getElementById('stats')?.textContent ?? ''), null, { timeout: 10_000 });
    assert.equal(await page.textContent('#output .generated'), 'bcabcabcabca');
    assert.equal(await page.textContent('#output .prompt-text'), 'a');
    assert.match((await page.textContent('#stats'))!, /^12 tokens .* max tokens$/);

    await page.fill('#stop-strings', 'ca, zz');
    await page.click('#generate');
    await page.waitForFunction(() => /stopped$/.test(document.getElementById('stats')?.textContent ?? ''), null, { timeout: 10_000 });
    assert.equal(await page.textContent('#output .generated'), 'b');

    await page.fill('#stop-strings', '');
    await page.fill('#max_tokens', '1000000');
    await page.click('#generate');
    await page.waitForFunction(() => (document.querySelector('#output .generated')?.textContent ?? '').length > 20, null, { timeout: 10_000 });
    assert.equal(await page.isEnabled('#stop'), true);
    await page.click('#stop');
    await page.waitForFunction(() => document.getElementById('stats')?.textContent === 'stopped by you', null, { timeout: 10_000 });
    let health = { running: 1 };
    for (let i = 0; i < 200 && health.running !== 0; i++) {
      health = await (await fetch(`${url}/health`)).json();
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(health.running, 0, 'the server stopped generating');

    await page.fill('#max_tokens', '1000001');
    await page.click('#generate');
    await page.waitForSelector('#error:not([hidden])', { timeout: 10_000 });
    assert.match((await page.textContent('#error'))!, /max_tokens/);
    assert.deepEqual(external, [], 'the page loads nothing from elsewhere');
    await page.close();
  });

  test('Chinese output split over byte tokens arrives whole', async () => {
    const zh = new LmServer(served('bytes', worldModel(), byteTok()));
    const { url: zhUrl } = await zh.listen(0, '127.0.0.1');
    const page = await browser.newPage();
    try {
      await page.goto(`${zhUrl}/`);
      await page.waitForFunction(() => document.getElementById('model-name')?.textContent === 'bytes', null, { timeout: 10_000 });
      await page.fill('#prompt', '你好');
      await setRange(page, 'temperature', '0');
      await page.fill('#max_tokens', '12');
      await page.click('#generate');
      await page.waitForFunction(() => /tokens/.test(document.getElementById('stats')?.textContent ?? ''), null, { timeout: 10_000 });
      assert.equal(await page.textContent('#output .generated'), '世界世界');
      assert.match((await page.textContent('#stats'))!, /^12 tokens/);
    } finally {
      await page.close();
      await zh.close();
    }
  });
});
