import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bestOf, caseOf, formatTable, KNOWN_FIGURES, ratio } from './table.js';
import type { BenchRecord } from './types.js';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');

/** A config of tiny workloads, so that the harness runs in well under a second. */
function tinyConfig(): { file: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-bench-test-'));
  const file = path.join(dir, 'configs.json');
  fs.writeFileSync(file, JSON.stringify({
    smallop: { n: 64, calls: 2000 },
    gemm: { shapes: [[64, 64, 64], [16, 96, 80]] },
  }));
  return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function runBench(args: string[]) {
  return spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 60_000 });
}

test('bench: smallop and gemm emit schema JSON lines (--quick --no-peers --json)', () => {
  const { file, cleanup } = tinyConfig();
  try {
    for (const suite of ['smallop', 'gemm']) {
      // smallop also pools two rounds (--repeat 2): still one line, marked best_of 2.
      const repeat = suite === 'smallop' ? ['--repeat', '2'] : [];
      const res = runBench([suite, '--quick', '--no-peers', '--json', '--threads', '1', '--config', file, ...repeat]);
      assert.equal(res.status, 0, res.stderr);
      const lines = res.stdout.trim().split('\n').map((l) => JSON.parse(l) as BenchRecord);
      assert.equal(lines.length, suite === 'gemm' ? 2 : 1);
      for (const r of lines) {
        assert.equal(r.bench, suite);
        assert.match(r.impl, /^lmkit-\d+\.\d+\.\d+-(native|js)$/);
        assert.ok(Number.isInteger(r.threads) && r.threads >= 1);
        assert.ok(typeof r.peak_rss_mb === 'number' && r.peak_rss_mb > 0);
        const figure = KNOWN_FIGURES[suite].field;
        assert.ok(typeof r[figure] === 'number' && (r[figure] as number) > 0, `${figure} in ${JSON.stringify(r)}`);
      }
      if (suite === 'smallop') {
        const r = lines[0];
        assert.equal(r.n, 64);
        assert.equal(r.best_of, 2);
        // calls_per_s and us_per_call are two views of one median time.
        assert.ok(Math.abs((r.calls_per_s as number) * (r.us_per_call as number) / 1e6 - 1) < 0.01);
      } else {
        assert.deepEqual(lines.map((r) => r.shape), [[64, 64, 64], [16, 96, 80]]);
        for (const r of lines) assert.ok((r.median_gflops as number) <= (r.gflops as number));
      }
    }
  } finally {
    cleanup();
  }
});

test('bench: bad arguments and a bad config are one-line errors', () => {
  const unknown = runBench(['nosuch', '--no-peers']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown suite "nosuch"/);
  const threads = runBench(['smallop', '--threads', 'two', '--no-peers']);
  assert.equal(threads.status, 2);
  assert.match(threads.stderr, /--threads expects a number/);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-bench-test-'));
  try {
    const file = path.join(dir, 'configs.json');
    fs.writeFileSync(file, JSON.stringify({ gemm: { shapes: [[8, 8]] } }));
    const res = runBench(['gemm', '--no-peers', '--config', file]);
    assert.equal(res.status, 1);
    assert.match(res.stderr, /gemm\.shapes: expected a list of \[3 positive integers\]/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('bench table: ratio is lmkit/peer, inverted for lower-is-better figures', () => {
  const lm: BenchRecord = { bench: 'gemm', impl: 'lmkit-0.1.0-native', threads: 1, shape: [2, 2, 2], gflops: 30, ms: 2 };
  const peer: BenchRecord = { bench: 'gemm', impl: 'pytorch-1.13.0', threads: 1, shape: [2, 2, 2], gflops: 60, ms: 1 };
  assert.equal(ratio(lm, peer, { field: 'gflops', higherIsBetter: true, extra: [] }), 0.5);
  assert.equal(ratio(lm, peer, { field: 'ms', higherIsBetter: false, extra: [] }), 0.5);
  const table = formatTable('gemm', [peer, lm], KNOWN_FIGURES.gemm);
  const rows = table.split('\n');
  assert.match(rows[2], /^lmkit-0\.1\.0-native/); // lmkit first within its case
  assert.match(rows[3], /^pytorch-1\.13\.0 .* 2x2x2 .* 0\.50x$/);
});

test('bench bestOf: keeps each implementation\'s best record per case', () => {
  const rec = (impl: string, shape: number[], gflops: number): BenchRecord => ({ bench: 'gemm', impl, threads: 1, shape, gflops });
  const kept = bestOf([
    rec('lmkit', [2, 2, 2], 10), rec('torch', [2, 2, 2], 30), rec('lmkit', [2, 2, 2], 20), rec('lmkit', [4, 4, 4], 5),
    rec('torch', [2, 2, 2], 25),
  ], KNOWN_FIGURES.gemm);
  assert.deepEqual(kept.map((r) => [r.impl, caseOf(r), r.gflops]), [['lmkit', '2x2x2', 20], ['torch', '2x2x2', 30], ['lmkit', '4x4x4', 5]]);
  const slowest = bestOf([rec('a', [1, 1, 1], 3), rec('a', [1, 1, 1], 2)], { field: 'gflops', higherIsBetter: false, extra: [] });
  assert.equal(slowest[0].gflops, 2);
});
