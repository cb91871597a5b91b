/**
 * The Planetoid citation graphs (Cora and friends) in the plain-text layout of lmkit's shared data:
 * `features.txt` (per node, the indices of its nonzero binary features), `labels.txt` (one class a line),
 * `edges.txt` (`a b` per undirected edge) and `split.json` (`train`, `val`, `test` node indices, plus
 * `num_nodes`, `num_features`, `num_classes`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { toUndirected } from '../autograd/ops/index.js';
import { fail } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';

/** A node-classification graph, as PyG's Planetoid dataset holds it. */
export interface PlanetoidGraph {
  /** Node features [N, F], float32; each row divided by its sum (Kipf & Welling's preprocessing). */
  x: Tensor;
  /** Edges in both directions, int32 [2, E], sorted by source then target. */
  edgeIndex: Tensor;
  /** Class of every node, int32 [N]. */
  y: Tensor;
  /** Node indices of the splits, int32. */
  trainIndex: Tensor;
  valIndex: Tensor;
  testIndex: Tensor;
  /** The same splits as bool masks [N]. */
  trainMask: Tensor;
  valMask: Tensor;
  testMask: Tensor;
  numNodes: number;
  numFeatures: number;
  numClasses: number;
}

interface Split {
  num_nodes: number;
  num_features: number;
  num_classes: number;
  train: number[];
  val: number[];
  test: number[];
}

function lines(file: string): string[] {
  if (!fs.existsSync(file)) fail('InvalidFile', `loadPlanetoid: expected ${file}, found no such file`);
  const text = fs.readFileSync(file, 'utf8');
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

function ints(line: string, file: string, row: number): number[] {
  const parts = line.trim() === '' ? [] : line.trim().split(/\s+/);
  return parts.map((p) => {
    const v = Number(p);
    if (!Number.isInteger(v)) fail('InvalidFile', `loadPlanetoid: ${file} line ${row + 1}: expected integers, got "${line}"`);
    return v;
  });
}

function checkRange(v: number, n: number, what: string): void {
  if (v < 0 || v >= n) fail('InvalidFile', `loadPlanetoid: ${what} ${v} is out of range [0, ${n})`);
}

function splitTensors(ids: number[], N: number): [Tensor, Tensor] {
  const mask = new Uint8Array(N);
  for (const i of ids) {
    checkRange(i, N, 'split node');
    mask[i] = 1;
  }
  return [new Tensor(Int32Array.from(ids), [ids.length], 'int32'), new Tensor(mask, [N], 'bool')];
}

/** Reads a Planetoid graph from `dir` (e.g. the shared data's `cora/`). Throws InvalidFile on malformed files. */
export function loadPlanetoid(dir: string): PlanetoidGraph {
  const splitFile = path.join(dir, 'split.json');
  if (!fs.existsSync(splitFile)) fail('InvalidFile', `loadPlanetoid: expected ${splitFile}, found no such file`);
  const split = JSON.parse(fs.readFileSync(splitFile, 'utf8')) as Split;
  const { num_nodes: N, num_features: F, num_classes: C } = split;
  const features = lines(path.join(dir, 'features.txt'));
  const labels = lines(path.join(dir, 'labels.txt'));
  if (features.length !== N || labels.length !== N) {
    fail('InvalidFile', `loadPlanetoid: expected ${N} lines in features.txt and labels.txt, got ${features.length} and ${labels.length}`);
  }
  const x = new Float32Array(N * F);
  features.forEach((line, n) => {
    const on = ints(line, 'features.txt', n);
    for (const f of on) {
      checkRange(f, F, 'feature');
      x[n * F + f] = 1 / on.length;
    }
  });
  const y = Int32Array.from(labels, (l, n) => {
    const [c] = ints(l, 'labels.txt', n);
    checkRange(c, C, 'label');
    return c;
  });
  const pairs = lines(path.join(dir, 'edges.txt')).map((l, i) => ints(l, 'edges.txt', i));
  const src = Int32Array.from(pairs, (p) => p[0]);
  const dst = Int32Array.from(pairs, (p) => p[1]);
  const oneWay = new Int32Array(2 * pairs.length);
  oneWay.set(src, 0);
  oneWay.set(dst, pairs.length);
  const [trainIndex, trainMask] = splitTensors(split.train, N);
  const [valIndex, valMask] = splitTensors(split.val, N);
  const [testIndex, testMask] = splitTensors(split.test, N);
  return {
    x: new Tensor(x, [N, F], 'float32'),
    edgeIndex: toUndirected(new Tensor(oneWay, [2, pairs.length], 'int32'), N),
    y: new Tensor(y, [N], 'int32'),
    trainIndex, valIndex, testIndex, trainMask, valMask, testMask,
    numNodes: N, numFeatures: F, numClasses: C,
  };
}
