/**
 * The benchmark harness's suite interface. A suite is one workload of shared/bench/configs.json run on
 * lmkit; the harness (src/bench/main.ts) runs it beside the peers (PyTorch, ONNX Runtime, TF.js) and
 * prints both. To add a suite: write src/bench/suites/<name>.ts exporting a `BenchSuite` and list it in
 * src/bench/suites/index.ts.
 */

/** One measurement, one JSON line in the schema of shared/bench/README.md. */
export interface BenchRecord {
  /** The suite's name, e.g. "gemm". */
  bench: string;
  /** Who ran it, e.g. "lmkit-0.1.0-native" (see `lmkitImpl()` in src/bench/measure.ts) or "pytorch-1.13.0". */
  impl: string;
  threads: number;
  /** Identifies the case within a suite (gemm: [M, K, N]). */
  shape?: number[];
  /** Identifies the case within a suite (gpt_generate: "small" | "gpt2-124m"). */
  model?: string;
  /** The process's peak resident memory so far, MB (`peakRssMb()` in src/bench/measure.ts). */
  peak_rss_mb?: number;
  /** The suite's figures (e.g. calls_per_s, gflops, tokens_per_s) and any extra facts. */
  [field: string]: unknown;
}

/** What the harness hands a suite. */
export interface BenchOptions {
  /** The whole parsed configs.json; a suite reads its own section (`config[suite.name]`). */
  config: Record<string, unknown>;
  /** Kernel threads; the harness has already called setNumThreads(threads) before `run`. */
  threads: number;
  /** Fewer calls/steps/cases, as the peers' --quick does (same shapes). */
  quick: boolean;
  /**
   * false under --no-peers: a suite that measures peers in its own process (e.g. tokenize against other
   * tokenizer packages) must then measure lmkit only.
   */
  peers: boolean;
  /** Progress notes go here (stderr), never to stdout, which carries the results. */
  log: (message: string) => void;
}

export interface BenchSuite {
  /** The suite name, as on the command line and in configs.json. */
  readonly name: string;
  /**
   * The headline figure, compared against the peers' same field as the ratio lmkit/peer.
   * `higherIsBetter` false (e.g. ms_per_step) inverts the ratio so that > 1 always means lmkit is faster.
   */
  readonly figure: { field: string; higherIsBetter: boolean };
  /** Other figures shown in the table beside the headline (e.g. us_per_call, median_gflops). */
  readonly extraFigures?: readonly string[];
  /**
   * Run the lmkit side in its own child process, so that its `peak_rss_mb` is the peak of a process that
   * runs only this suite (memory-sensitive suites such as gpt_train).
   */
  readonly isolate?: boolean;
  /** Measures lmkit on the suite's workload; one record per case. */
  run(opts: BenchOptions): Promise<BenchRecord[]> | BenchRecord[];
}
