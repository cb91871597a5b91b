import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const main = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'main.js');
const lmkit = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

/** Two triangles (nodes 0-2 of class 0 with feature 0, nodes 3-5 of class 1 with feature 1) joined by one edge. */
function twoCommunities(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-gnn-'));
  fs.writeFileSync(path.join(dir, 'split.json'), JSON.stringify({ num_nodes: 6, num_features: 3, num_classes: 2, train: [0, 3], val: [1, 4], test: [2, 5] }));
  fs.writeFileSync(path.join(dir, 'features.txt'), '0\n0 2\n0\n1\n1 2\n1\n');
  fs.writeFileSync(path.join(dir, 'labels.txt'), '0\n0\n0\n1\n1\n1\n');
  fs.writeFileSync(path.join(dir, 'edges.txt'), '0 1\n0 2\n1 2\n2 3\n3 4\n3 5\n4 5\n');
  return dir;
}

test('lmkit gnn-train trains every model on a small graph and summarizes the seeds', () => {
  const dir = twoCommunities();
  for (const model of ['gcn', 'gat', 'sage']) {
    const r = lmkit('gnn-train', '--data', dir, '--model', model, '--epochs', '30', '--seeds', '0,1', '--lr', '0.05', '--dropout', '0', '--json');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.length, 3);
    const summary = lines[2];
    assert.equal(summary.model, model);
    assert.equal(summary.runs, 2);
    const runs = lines.slice(0, 2) as { seed: number; final: { trainAcc: number; testAcc: number } }[];
    assert.deepEqual(runs.map((x) => x.seed), [0, 1]);
    for (const run of runs) assert.equal(run.final.trainAcc, 1, `${model}: ${r.stdout}`); // two training nodes are easy to fit
    assert.equal(summary.testAcc, (runs[0].final.testAcc + runs[1].final.testAcc) / 2);
  }
  fs.rmSync(dir, { recursive: true });
});

test('lmkit gnn-train rejects a bad model or data folder in one line', () => {
  const bad = lmkit('gnn-train', '--data', os.tmpdir(), '--model', 'gin');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--model expects gcn, gat or sage, got "gin"/);
  const noData = lmkit('gnn-train', '--data', path.join(os.tmpdir(), 'no-such-planetoid'));
  assert.equal(noData.status, 2);
  assert.match(noData.stderr, /has no split\.json/);
});
