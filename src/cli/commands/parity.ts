import fs from 'node:fs';
import type { Command } from 'commander';
import { setBackend } from '../../backend/index.js';
import { fail } from '../../errors.js';
import { registeredKinds } from '../../parity/registry.js';
import { formatOutcome, formatSummary, runParity } from '../../parity/runner.js';
import { UsageError } from '../usage.js';

const FIXTURE_KINDS = ['op', 'module', 'optimizer', 'graph', 'checkpoint'];

function parseKinds(value: string | undefined): string[] {
  if (value === undefined) return [];
  const kinds = value.split(',').map((k) => k.trim()).filter((k) => k !== '');
  const known = new Set([...FIXTURE_KINDS, ...registeredKinds()]);
  if (kinds.length === 0) throw new UsageError(`--kind expects a comma-separated list of kinds, got "${value}"`);
  for (const k of kinds) {
    if (!known.has(k)) throw new UsageError(`--kind: unknown kind "${k}" (expected one of ${[...known].sort().join(', ')})`);
  }
  return kinds;
}

export function register(program: Command): void {
  program
    .command('parity')
    .description('run PyTorch parity fixtures (a folder with index.json, or a checkpoint folder with expected.safetensors)')
    .argument('<dir>', 'fixtures folder, e.g. fixtures/torch/cases or fixtures/torch/gpt2-tiny')
    .option('--kind <kinds>', 'only these kinds, comma-separated: op,module,optimizer,graph,checkpoint')
    .option('--backend <name>', 'kernel backend: js or native (default: native when available)')
    .action(async (dir: string, opts: { kind?: string; backend?: string }) => {
      const kinds = parseKinds(opts.kind);
      if (opts.backend !== undefined && opts.backend !== 'js' && opts.backend !== 'native') {
        throw new UsageError(`--backend expects "js" or "native", got "${opts.backend}"`);
      }
      if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) fail('InvalidArgument', `parity: ${dir} is not a directory`);
      if (opts.backend) setBackend(opts.backend as 'js' | 'native');
      const summary = await runParity(dir, {
        kinds,
        onResult: (o) => process.stdout.write(`${formatOutcome(o)}\n`),
      });
      process.stdout.write(`${formatSummary(summary)}\n`);
      if (summary.failed > 0) process.exitCode = 1;
    });
}
