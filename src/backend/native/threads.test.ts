import assert from 'node:assert/strict';
import os from 'node:os';
import test from 'node:test';
import { nativeForTests } from './testing.js';

const { native, skip } = nativeForTests();

test('native setNumThreads / getNumThreads round-trip; 0 selects every core', { skip }, () => {
  const before = native!.getNumThreads();
  try {
    native!.setNumThreads(1);
    assert.equal(native!.getNumThreads(), 1);
    native!.setNumThreads(3);
    assert.equal(native!.getNumThreads(), 3);
    native!.setNumThreads(0);
    assert.equal(native!.getNumThreads(), os.availableParallelism());
  } finally {
    native!.setNumThreads(before);
  }
});

test('native kernels give the same result at 1, 2 and 3 threads', { skip }, () => {
  const n = 1 << 18;
  const x = new Float32Array(n).map((_, i) => Math.sin(i));
  const results: Float32Array[] = [];
  const before = native!.getNumThreads();
  try {
    for (const t of [1, 2, 3]) {
      native!.setNumThreads(t);
      const out = new Float32Array(n);
      native!.unary('gelu_tanh', x, out, n);
      results.push(out);
    }
  } finally {
    native!.setNumThreads(before);
  }
  assert.deepEqual(results[1], results[0]);
  assert.deepEqual(results[2], results[0]);
});
