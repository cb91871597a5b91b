#!/usr/bin/env node
/**
 * The benchmark harness:
 *   `npm run bench -- SUITE [--threads N] [--json] [--config FILE] [--quick] [--no-peers] [--repeat N]`.
 * Runs lmkit's implementation of each workload of shared/bench/configs.json and the peers (PyTorch,
 * ONNX Runtime, TF.js) side by side, and prints a table with lmkit/peer ratios, or JSON lines (--json).
 */
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { LmkitError } from '../errors.js';
import { intArg, UsageError } from '../cli/usage.js';
import { defaultConfigPath } from './config.js';
import { SUITE_NAMES } from './suite-names.js';

interface Flags {
  threads?: number;
  json?: boolean;
  config?: string;
  quick?: boolean;
  peers: boolean;
  lmkitOnly?: boolean;
  repeat?: number;
}

export async function main(argv: string[]): Promise<number> {
  const program = new Command('bench')
    .description('Benchmarks lmkit against PyTorch, ONNX Runtime and TF.js on the workloads of configs.json.')
    .argument('<suite>', `one of: ${[...SUITE_NAMES, 'all'].join(', ')}`)
    .option('--threads <n>', 'kernel threads for lmkit and the peers (default: every core)', intArg('--threads', 1))
    .option('--json', 'one JSON line per result (shared/bench/README.md schema) instead of a table')
    .option('--config <file>', 'configs.json to run (default: shared/bench/configs.json)')
    .option('--quick', 'fewer repetitions (same shapes), as the peers\' --quick')
    .option('--no-peers', 'run lmkit only')
    .option('--repeat <n>', 'rounds of each suite; keeps each implementation\'s best round (busy machines)', intArg('--repeat', 1))
    .addOption(new Option('--lmkit-only').hideHelp())
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(str) });
  try {
    program.parse(argv, { from: 'user' });
    const suite = program.args[0];
    const flags = program.opts<Flags>();
    if (![...SUITE_NAMES, 'all'].includes(suite)) {
      throw new UsageError(`unknown suite "${suite}", expected one of ${[...SUITE_NAMES, 'all'].join(', ')}`);
    }
    const configFile = flags.config ?? defaultConfigPath();
    if (!configFile) throw new UsageError('shared/bench/configs.json not found: set LMKIT_SHARED or pass --config FILE');
    const shared = defaultConfigPath();
    // Loaded only now: the suites pull in the whole library, which a usage error need not wait for.
    const { runHarness } = await import('./harness.js');
    return await runHarness({
      suite, threads: flags.threads ?? os.availableParallelism(), json: !!flags.json || !!flags.lmkitOnly,
      quick: !!flags.quick, peers: flags.peers, configFile, lmkitOnly: !!flags.lmkitOnly, repeat: flags.repeat ?? 1,
      sharedBenchDir: shared ? path.dirname(shared) : null,
    });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof UsageError) {
      process.stderr.write(`bench: ${e.message}\n(run with --help for usage)\n`);
      return 2;
    }
    if (e instanceof LmkitError) {
      process.stderr.write(`bench: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
