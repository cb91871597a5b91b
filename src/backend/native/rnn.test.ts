import assert from 'node:assert/strict';
import test from 'node:test';
import { compareArrays } from '../../testing/assert.js';
import { jsBackend } from '../js/index.js';
import { nativeForTests, randomFloats, withThreads } from './testing.js';

const { native, skip } = nativeForTests();

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  const { ok, maxErr } = compareArrays(actual, expected, 1e-6, 1e-5);
  assert.ok(ok, `${what}: max error ${maxErr}`);
}

const SHAPES = [[1, 7], [3, 33], [32, 256], [64, 600]];

test('native LSTM cell step and its backward match js', { skip }, () => {
  withThreads(native!, () => {
    for (const [B, H] of SHAPES) {
      const pre = randomFloats(4 * B * H, B + H, -4, 4);
      const cPrev = randomFloats(B * H, 2);
      const run = (backend: typeof jsBackend) => {
        const gates = pre.slice();
        const c = new Float32Array(B * H);
        const h = new Float32Array(B * H);
        backend.lstmCellForward(gates, cPrev, c, h, B, H);
        const gh = randomFloats(B * H, 3);
        const gc = randomFloats(B * H, 4);
        const gGates = new Float32Array(4 * B * H);
        backend.lstmCellBackward(gates, cPrev, c, gh, gc, gGates, gc, B, H); // gcPrev aliases gc
        return { gates, c, h, gGates, gc };
      };
      const e = run(jsBackend);
      const a = run(native!);
      for (const key of ['gates', 'c', 'h', 'gGates', 'gc'] as const) close(a[key], e[key], `lstm ${key} [${B}, ${H}]`);
    }
  });
});

test('native GRU cell step and its backward match js', { skip }, () => {
  withThreads(native!, () => {
    for (const [B, H] of SHAPES) {
      const gi0 = randomFloats(3 * B * H, B * H, -4, 4);
      const gh = randomFloats(3 * B * H, 5, -4, 4);
      const hPrev = randomFloats(B * H, 6);
      const run = (backend: typeof jsBackend) => {
        const gi = gi0.slice();
        const h = new Float32Array(B * H);
        backend.gruCellForward(gi, gh, hPrev, h, B, H);
        const gOut = randomFloats(B * H, 7);
        const gGi = new Float32Array(3 * B * H);
        const gGh = new Float32Array(3 * B * H);
        const gHPrev = new Float32Array(B * H);
        backend.gruCellBackward(gi, gh, hPrev, gOut, gGi, gGh, gHPrev, B, H);
        return { gi, h, gGi, gGh, gHPrev };
      };
      const e = run(jsBackend);
      const a = run(native!);
      for (const key of ['gi', 'h', 'gGi', 'gGh', 'gHPrev'] as const) close(a[key], e[key], `gru ${key} [${B}, ${H}]`);
    }
  });
});
