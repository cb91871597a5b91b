import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { withFileLock } from './download-lock.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-lock-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

function sleeper() {
  return spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
}

test('the lock is held while fn runs and released afterwards, also on failure', async () => {
  const lock = path.join(tmp, 'a', 'x.lock');
  await withFileLock(lock, async () => assert.equal(fs.readFileSync(lock, 'utf8'), String(process.pid)));
  assert.ok(!fs.existsSync(lock));
  await assert.rejects(withFileLock(lock, async () => { throw new Error('boom'); }), /boom/);
  assert.ok(!fs.existsSync(lock));
});

test('a lock left by a dead process is taken over', async () => {
  const child = sleeper();
  const pid = child.pid!;
  await new Promise((r) => child.on('exit', r).kill());
  const lock = path.join(tmp, 'stale.lock');
  fs.writeFileSync(lock, String(pid));
  assert.equal(await withFileLock(lock, async () => 'ran'), 'ran');
  fs.writeFileSync(lock, 'not a pid');
  assert.equal(await withFileLock(lock, async () => 'ran again'), 'ran again');
});

test('a lock held by a live process is waited for', async () => {
  const child = sleeper();
  try {
    const lock = path.join(tmp, 'live.lock');
    fs.writeFileSync(lock, String(child.pid));
    const events: string[] = [];
    const waiting = withFileLock(lock, async () => events.push('fn'));
    await new Promise((r) => setTimeout(r, 500));
    events.push('released');
    fs.rmSync(lock);
    await waiting;
    assert.deepEqual(events, ['released', 'fn']);
  } finally {
    child.kill();
  }
});
