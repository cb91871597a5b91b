import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setNumThreads } from '../backend/index.js';
import { type BenchConfig, loadConfig } from './config.js';
import { peakRssMb } from './measure.js';
import { runJsonLines, runPeers, peersWithConfig } from './peers.js';
import { SUITE_NAMES } from './suite-names.js';
import { suites } from './suites/index.js';
import { bestOf, type FigureSpec, formatTable, KNOWN_FIGURES } from './table.js';
import type { BenchRecord, BenchSuite } from './types.js';


export interface HarnessOptions {
  suite: string;
  threads: number;
  json: boolean;
  quick: boolean;
  peers: boolean;
  configFile: string;
  /** The shared/bench folder (peers/ inside), or null when not found. */
  sharedBenchDir: string | null;
  /** Rounds of the whole suite (lmkit, then the peers); > 1 keeps each implementation's best round per case. */
  repeat: number;
  /** Only the lmkit side, as JSON lines (how isolated suites run in their own process). */
  lmkitOnly: boolean;
}

const MAIN_JS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');

function findSuite(name: string): BenchSuite | undefined {
  return suites.find((s) => s.name === name);
}

function figureSpec(name: string): FigureSpec {
  const s = findSuite(name);
  if (s) return { field: s.figure.field, higherIsBetter: s.figure.higherIsBetter, extra: s.extraFigures ?? [] };
  return KNOWN_FIGURES[name] ?? { field: 'value', higherIsBetter: true, extra: [] };
}

const log = (message: string) => process.stderr.write(`bench: ${message}\n`);

/** Runs a suite's lmkit side in this process. */
async function runInProcess(suite: BenchSuite, config: BenchConfig, opts: HarnessOptions): Promise<BenchRecord[]> {
  setNumThreads(opts.threads);
  const records = await suite.run({ config, threads: opts.threads, quick: opts.quick, peers: opts.peers, log });
  for (const r of records) r.peak_rss_mb ??= peakRssMb();
  return records;
}

/** Runs a suite's lmkit side in a child process of its own, so that its peak memory is its own. */
function runIsolated(suite: BenchSuite, opts: HarnessOptions, onRecord: (r: BenchRecord) => void,
  note: (line: string) => void): Promise<BenchRecord[]> {
  const args = [MAIN_JS, suite.name, '--lmkit-only', '--threads', String(opts.threads), '--config', opts.configFile];
  if (opts.quick) args.push('--quick');
  if (!opts.peers) args.push('--no-peers');
  return runJsonLines(`lmkit ${suite.name}`, process.execPath, args, undefined, onRecord, note);
}

/** Runs the lmkit side and the peers of each suite; prints JSON lines or a table per suite. */
export async function runHarness(opts: HarnessOptions): Promise<number> {
  const config = loadConfig(opts.configFile);
  const names = opts.suite === 'all' ? [...SUITE_NAMES] : [opts.suite];
  const note = (line: string) => {
    process.stderr.write(`bench: ${line}\n`);
  };
  const emit = (r: BenchRecord) => {
    if (opts.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  };
  let failed = false;

  let peersDir: string | null = null;
  let cleanup = () => {};
  if (opts.peers && !opts.lmkitOnly) {
    if (!opts.sharedBenchDir) note('peers skipped: shared/bench/peers not found (set LMKIT_SHARED)');
    else {
      const sharedConfig = path.join(opts.sharedBenchDir, 'configs.json');
      const sharedPeers = path.join(opts.sharedBenchDir, 'peers');
      if (path.resolve(opts.configFile) === path.resolve(sharedConfig)) peersDir = sharedPeers;
      else ({ peersDir, cleanup } = peersWithConfig(sharedPeers, opts.configFile));
    }
  }

  // One round: lmkit's side, then each peer's; records are printed as they come unless rounds are pooled.
  const runRound = async (name: string, stream: boolean): Promise<BenchRecord[]> => {
    const out = stream ? emit : () => {};
    const records: BenchRecord[] = [];
    const suite = findSuite(name);
    if (!suite) {
      note(`${name}: no lmkit implementation yet (no suite in src/bench/suites/index.ts)`);
    } else if (suite.isolate && !opts.lmkitOnly) {
      const mine = await runIsolated(suite, opts, out, note);
      if (mine.length === 0) failed = true;
      records.push(...mine);
    } else {
      try {
        const mine = await runInProcess(suite, config, opts);
        mine.forEach(out);
        records.push(...mine);
      } catch (e) {
        failed = true;
        note(`lmkit ${name} failed: ${(e as Error).message}`);
        if (opts.lmkitOnly) process.stderr.write(`${(e as Error).stack}\n`);
      }
    }
    if (peersDir && !opts.lmkitOnly) {
      records.push(...await runPeers({ suite: name, threads: opts.threads, quick: opts.quick, peersDir }, out, note));
    }
    return records;
  };

  try {
    for (const name of names) {
      let records: BenchRecord[];
      if (opts.repeat <= 1) records = await runRound(name, true);
      else {
        const all: BenchRecord[] = [];
        for (let round = 1; round <= opts.repeat; round++) {
          log(`${name}: round ${round} of ${opts.repeat}`);
          all.push(...await runRound(name, false));
        }
        records = bestOf(all, figureSpec(name)).map((r) => ({ ...r, best_of: opts.repeat }));
        records.forEach(emit);
      }
      if (!opts.json && records.length > 0) process.stdout.write(`${formatTable(name, records, figureSpec(name))}\n\n`);
    }
  } finally {
    cleanup();
  }
  return failed ? 1 : 0;
}
