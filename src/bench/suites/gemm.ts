import { getNumThreads } from '../../backend/index.js';
import { randn } from '../../tensor/create.js';
import '../../autograd/index.js';
import { sectionOf, shapesField } from '../config.js';
import { lmkitImpl, peakRssMb, round, timed } from '../measure.js';
import type { BenchRecord, BenchSuite } from '../types.js';

/**
 * C = A·B with lmkit's matmul on float32 tensors, each [M, K, N] of configs.json: gflops = 2·M·N·K / best
 * time and the same over the median time, 2 warm-up calls then 10 timed (quick: 3), as torch_peer.py.
 */
export const gemm: BenchSuite = {
  name: 'gemm',
  figure: { field: 'gflops', higherIsBetter: true },
  extraFigures: ['median_gflops'],
  run({ config, quick, log }) {
    const shapes = shapesField(sectionOf(config, 'gemm'), 'gemm', 'shapes', 3);
    const records: BenchRecord[] = [];
    for (const [m, k, n] of shapes) {
      log(`gemm ${m}x${k}x${n}`);
      const a = randn([m, k]);
      const b = randn([k, n]);
      const { best, median } = timed(() => {
        a.matmul(b);
      }, 2, quick ? 3 : 10);
      const flop = 2 * m * n * k;
      records.push({
        bench: 'gemm', impl: lmkitImpl(), threads: getNumThreads(), shape: [m, k, n],
        gflops: round(flop / best / 1e9, 2), median_gflops: round(flop / median / 1e9, 2), peak_rss_mb: peakRssMb(),
      });
    }
    return records;
  },
};
