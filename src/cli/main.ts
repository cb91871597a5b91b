#!/usr/bin/env node
/**
 * The `lmkit` command line. Each subcommand lives in ./commands/<name>.ts and exports `register(program)`.
 * A wrong flag or value is one line on stderr with a usage hint (exit 2); a failure is one line (exit 1).
 */
import { Command, CommanderError } from 'commander';
import { LmkitError } from '../errors.js';
import { commands } from './commands/index.js';
import { UsageError } from './usage.js';

export function buildProgram(): Command {
  const program = new Command('lmkit')
    .description('Language models in TypeScript: train, generate, tokenize, inspect, check parity.')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ outputError: (str, write) => write(str) });
  program.exitOverride();
  for (const register of commands) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed its message (and help for --help / --version, which exit 0).
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`lmkit: ${e.message}\n(run with --help for usage)\n`);
      return 2;
    }
    if (e instanceof LmkitError) {
      process.stderr.write(`lmkit: ${e.message}\n`);
      return 1;
    }
    const err = e as NodeJS.ErrnoException;
    if (err && (err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EISDIR')) {
      process.stderr.write(`lmkit: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`lmkit: unexpected error: ${err?.stack ?? String(e)}\n`);
    return 1;
  }
}

const isEntry = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry || process.argv[1]?.endsWith('/lmkit') || process.argv[1]?.endsWith('cli/main.js')) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
