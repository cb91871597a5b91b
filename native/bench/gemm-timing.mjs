// Quick GEMM timing of the native addon (not part of the test suite):
//   node native/bench/gemm-timing.mjs [threads] [m,k,n[,transA,transB,batch] ...]
// (default shapes: configs.json "gemm" from $LMKIT_SHARED or ../shared). Prints wall-clock GFLOP/s and
// GFLOP/s from this process's CPU time per thread, which a busy shared machine distorts less.
import { createRequire } from 'node:module';
import fs from 'node:fs';
const require = createRequire(import.meta.url);
const addon = require('../../build/Release/lmkit_native.node');
const threads = Number(process.argv[2] ?? 1);
addon.setNumThreads(threads);
let shapes = process.argv.slice(3).map((s) => s.split(/[x,]/).map(Number));
const shared = process.env.LMKIT_SHARED ?? new URL('../../../shared', import.meta.url).pathname;
if (shapes.length === 0) shapes = JSON.parse(fs.readFileSync(`${shared}/bench/configs.json`, 'utf8')).gemm.shapes;
for (const [m, k, n, tA = 0, tB = 0, batch = 1] of shapes) {
  const a = new Float32Array(m * k * batch).map(() => Math.random() - 0.5);
  const b = new Float32Array(k * n * batch).map(() => Math.random() - 0.5);
  const c = new Float32Array(m * n * batch);
  const run = () => addon.gemm(a, 0, tA ? m : k, !!tA, m * k, b, 0, tB ? k : n, !!tB, k * n, c, 0, n, m * n,
    m, n, k, batch, 1, 0);
  const flops = 2 * m * n * k * batch;
  const reps = Math.max(3, Math.min(200, Math.round(2e9 / flops)));
  for (let i = 0; i < 2; i++) run();
  // Wall time, and CPU time (user + system of this process), which a busy shared machine inflates less.
  let best = Infinity;
  let bestCpu = Infinity;
  for (let i = 0; i < 10; i++) {
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    for (let r = 0; r < reps; r++) run();
    const cu = process.cpuUsage(c);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e9 / reps);
    bestCpu = Math.min(bestCpu, (cu.user + cu.system) / 1e6 / reps / threads);
  }
  console.log(JSON.stringify({ shape: [m, k, n], transA: !!tA, transB: !!tB, batch, threads,
    gflops: +(flops / best / 1e9).toFixed(2), cpu_gflops: +(flops / bestCpu / 1e9).toFixed(2), us: +(best * 1e6).toFixed(1) }));
}
