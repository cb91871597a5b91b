import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadSafetensors } from '../io/safetensors.js';
import { randint, type Tensor } from '../index.js';
import { assertClose } from '../testing/assert.js';
import { Embedding } from './embedding.js';
import { Linear } from './linear.js';
import { LSTM } from './lstm.js';
import { Module } from './module.js';
import { loadStateDictFile, saveStateDict } from './state-dict-file.js';

class Generator extends Module<[Tensor], Tensor> {
  embedding = new Embedding(11, 4);
  lstm = new LSTM(4, 6, { numLayers: 2, batchFirst: true });
  fc = new Linear(6, 11);

  override forward(ids: Tensor): Tensor {
    return this.fc.forward(this.lstm.forward(this.embedding.forward(ids))[0]);
  }
}

test('a state dict saved as safetensors loads back into a fresh model with the same outputs', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-nn-'));
  try {
    const file = path.join(dir, 'model.safetensors');
    const a = new Generator();
    saveStateDict(a, file, { note: 'test' });
    const stored = loadSafetensors(file);
    assert.deepEqual([...stored.tensors.keys()].sort(), [...a.stateDict().keys()].sort());
    assert.equal(stored.metadata.note, 'test');
    const b = new Generator();
    assert.deepEqual(loadStateDictFile(b, file), { missingKeys: [], unexpectedKeys: [] });
    const ids = randint(0, 11, [2, 5]);
    assertClose(b.forward(ids), a.forward(ids), 0, 0);
    // A model of another shape is refused with every difference named.
    const other = new Linear(6, 12);
    assert.throws(() => loadStateDictFile(other, file), /StateDictMismatch|missing keys: weight, bias/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
