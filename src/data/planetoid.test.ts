import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LmkitError } from '../errors.js';
import { SHARED_MISSING, sharedDir } from '../testing/shared.js';
import { loadPlanetoid } from './planetoid.js';

const shared = sharedDir();

test('loadPlanetoid reads Cora: row-normalized features, edges both ways, splits', { skip: shared ? false : SHARED_MISSING }, () => {
  const g = loadPlanetoid(path.join(shared!, 'data/cora'));
  assert.deepEqual([g.numNodes, g.numFeatures, g.numClasses], [2708, 1433, 7]);
  assert.deepEqual(g.x.shape, [2708, 1433]);
  assert.deepEqual(g.edgeIndex.shape, [2, 10556]); // PyG's Cora: 5,278 undirected edges, both directions
  assert.deepEqual([g.trainIndex.size, g.valIndex.size, g.testIndex.size], [140, 500, 1000]);
  const x = g.x.data;
  for (const n of [0, 1, 2707]) {
    let s = 0;
    for (let f = 0; f < 1433; f++) s += x[n * 1433 + f];
    assert.ok(Math.abs(s - 1) < 1e-5, `row ${n} sums to ${s}`);
  }
  const e = g.edgeIndex.data as Int32Array;
  const E = 10556;
  const pairs = new Set<string>();
  for (let k = 0; k < E; k++) pairs.add(`${e[k]} ${e[E + k]}`);
  for (let k = 0; k < E; k++) assert.ok(pairs.has(`${e[E + k]} ${e[k]}`));
  assert.equal((g.trainMask.data as Uint8Array).reduce((a, b) => a + b, 0), 140);
  assert.ok([...(g.y.data as Int32Array)].every((c) => c >= 0 && c < 7));
});

test('loadPlanetoid names the missing or malformed file', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'planetoid-'));
  assert.throws(() => loadPlanetoid(dir), (e: unknown) => e instanceof LmkitError && /split\.json/.test(e.message));
  fs.writeFileSync(path.join(dir, 'split.json'), JSON.stringify({ num_nodes: 2, num_features: 3, num_classes: 2, train: [0], val: [1], test: [1] }));
  fs.writeFileSync(path.join(dir, 'features.txt'), '0 2\n1\n');
  fs.writeFileSync(path.join(dir, 'labels.txt'), '0\n1\n');
  fs.writeFileSync(path.join(dir, 'edges.txt'), '0 5\n');
  assert.throws(() => loadPlanetoid(dir), /node 5 in the edge index/);
  fs.writeFileSync(path.join(dir, 'edges.txt'), '0 1\n');
  const g = loadPlanetoid(dir);
  assert.deepEqual(g.x.tolist(), [[0.5, 0, 0.5], [0, 1, 0]]);
  assert.deepEqual(g.edgeIndex.tolist(), [[0, 1], [1, 0]]);
  fs.writeFileSync(path.join(dir, 'labels.txt'), '0\n2\n');
  assert.throws(() => loadPlanetoid(dir), /label 2 is out of range \[0, 2\)/);
  fs.rmSync(dir, { recursive: true });
});
