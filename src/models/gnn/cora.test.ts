import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { loadPlanetoid } from '../../data/planetoid.js';
import { tensor } from '../../tensor/create.js';
import { Generator, manualSeed } from '../../tensor/random.js';
import { Tensor } from '../../tensor/tensor.js';
import { SHARED_MISSING, sharedDir } from '../../testing/shared.js';
import { GCN, sparseDropout } from './node-models.js';
import { nodeAccuracy, trainNodeClassifier } from './train-node.js';

const shared = sharedDir();

test('a short GCN run on Cora reaches well above chance', { skip: shared ? false : SHARED_MISSING }, () => {
  const graph = loadPlanetoid(path.join(shared!, 'data/cora'));
  manualSeed(0);
  const r = trainNodeClassifier(new GCN(graph.numFeatures, graph.numClasses), graph, { epochs: 40, decayFirstLayerOnly: true });
  // The largest class holds 32% of the test nodes; the full 200-epoch run reaches about 81%.
  assert.ok(r.final.testAcc > 0.7, `test accuracy ${r.final.testAcc}`);
  assert.ok(r.final.loss < 1.6, `training loss ${r.final.loss}`);
});

test('nodeAccuracy counts argmax hits on the given nodes', () => {
  const logits = tensor([[0.1, 0.9], [2, 1], [0, 3]]);
  const y = new Tensor(Int32Array.of(1, 1, 1), [3], 'int32');
  assert.equal(nodeAccuracy(logits, y, new Tensor(Int32Array.of(0, 1), [2], 'int32')), 0.5);
  assert.equal(nodeAccuracy(logits, y, new Tensor(Int32Array.of(2), [1], 'int32')), 1);
});

test('sparseDropout keeps zeros, drops or scales the rest, and routes gradients through the kept entries', () => {
  const x = tensor([[0, 2, 0, 4], [1, 0, 0, 0]]);
  const out = Array.from(sparseDropout(x, 0.5, true, new Generator(2)).data);
  assert.deepEqual(out, [0, 4, 0, 0, 2, 0, 0, 0]); // with this seed: 2 and 1 kept (×2), 4 dropped
  assert.equal(sparseDropout(x, 0.5, false), x);
  const leafX = tensor([[0, 2, 0, 4], [1, 0, 0, 0]]);
  leafX.requiresGrad = true;
  const y = sparseDropout(leafX, 0.5, true, new Generator(2));
  assert.deepEqual(Array.from(y.data), out);
  y.sum().backward();
  assert.deepEqual(Array.from(leafX.grad!.data), [0, 2, 0, 0, 2, 0, 0, 0]);
});
