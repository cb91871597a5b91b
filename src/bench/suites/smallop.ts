import { getNumThreads } from '../../backend/index.js';
import { randn } from '../../tensor/create.js';
import '../../autograd/index.js';
import { intField, sectionOf } from '../config.js';
import { lmkitImpl, peakRssMb, round, timed } from '../measure.js';
import type { BenchSuite } from '../types.js';

/**
 * `out = a + b` on two 64-float tensors from TypeScript, a fresh output each call: the fixed cost of one
 * op (dispatch, allocation, kernel call). Median of 3 runs of `calls` calls after a warm-up run, as
 * torch_peer.py.
 */
export const smallop: BenchSuite = {
  name: 'smallop',
  figure: { field: 'calls_per_s', higherIsBetter: true },
  extraFigures: ['us_per_call'],
  run({ config, quick }) {
    const c = sectionOf(config, 'smallop');
    const n = intField(c, 'smallop', 'n');
    const calls = Math.max(1, Math.floor(intField(c, 'smallop', 'calls') / (quick ? 10 : 1)));
    const a = randn([n]);
    const b = randn([n]);
    let sink = 0;
    const { median } = timed(() => {
      for (let i = 0; i < calls; i++) sink += a.add(b).data.length;
    }, 1, 3);
    if (sink === 0) throw new Error('smallop: add produced no elements');
    return [{
      bench: 'smallop', impl: lmkitImpl(), threads: getNumThreads(), op: 'add', n,
      calls_per_s: round(calls / median, 1), us_per_call: round((median / calls) * 1e6, 3), peak_rss_mb: peakRssMb(),
    }];
  },
};
