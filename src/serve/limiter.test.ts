import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from './api-error.js';
import { ConcurrencyLimiter } from './limiter.js';

test('ConcurrencyLimiter: slots, first-in first-out queue, full queue, waiters that leave', async () => {
  const limiter = new ConcurrencyLimiter(2, 2);
  const signal = new AbortController().signal;
  const a = await limiter.acquire(signal);
  const b = await limiter.acquire(signal);
  assert.equal(limiter.active, 2);
  const order: string[] = [];
  const leaving = new AbortController();
  const c = limiter.acquire(leaving.signal).then((r) => { order.push('c'); return r; }, (e: Error) => { order.push(`c: ${e.message}`); return null; });
  const d = limiter.acquire(signal).then((r) => { order.push('d'); return r; });
  assert.equal(limiter.queued, 2);
  await assert.rejects(limiter.acquire(signal), (e: unknown) => e instanceof ApiError && e.status === 503 && e.code === 'server_busy');
  leaving.abort();
  await c;
  assert.equal(limiter.queued, 1, 'a waiter whose client left is dropped');
  a();
  a(); // releasing twice frees one slot only
  const releaseD = await d;
  assert.deepEqual(order, ['c: aborted while queued', 'd']);
  assert.equal(limiter.active, 2, 'd took the freed slot');
  b();
  releaseD();
  assert.deepEqual([limiter.active, limiter.queued], [0, 0]);
});
