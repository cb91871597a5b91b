import type { Command } from 'commander';

/** Every subcommand's register function; add a line per command file. */
export const commands: ((program: Command) => void)[] = [];
