import fs from 'node:fs';
import type { Command } from 'commander';
import { prepareCorpus } from '../../data/prepare.js';
import { floatArg, UsageError } from '../usage.js';

interface PrepareFlags {
  data: string;
  tokenizer: string;
  out: string;
  valFraction: number;
  quiet?: boolean;
}

export function register(program: Command): void {
  program
    .command('prepare')
    .description('tokenize a text file once: writes train.bin, val.bin, tokenizer.json and meta.json')
    .requiredOption('--data <file>', 'the corpus, a UTF-8 text file')
    .requiredOption('--tokenizer <spec>', 'char | bpe:VOCAB (train byte-level BPE) | a tokenizer folder')
    .requiredOption('--out <dir>', 'output folder')
    .option('--val-fraction <f>', 'the last fraction of the text for validation', floatArg('--val-fraction', 0, 0.99), 0.1)
    .option('--quiet', 'no progress lines')
    .action((flags: PrepareFlags) => {
      if (!fs.existsSync(flags.data)) throw new UsageError(`--data: ${flags.data} does not exist`);
      const spec = flags.tokenizer;
      if (spec !== 'char' && !/^bpe:\d+$/.test(spec) && !fs.existsSync(spec)) {
        throw new UsageError(`--tokenizer expects char, bpe:VOCAB or an existing folder, got "${spec}"`);
      }
      const log = flags.quiet ? undefined : (m: string) => process.stderr.write(`${m}\n`);
      const r = prepareCorpus({ dataFile: flags.data, tokenizer: spec, outDir: flags.out, valFraction: flags.valFraction, showProgress: flags.quiet ? false : undefined, log });
      process.stdout.write(`${JSON.stringify({ out: r.outDir, vocab_size: r.vocabSize, train_tokens: r.trainTokens, val_tokens: r.valTokens, bytes_per_token: r.bytesPerToken })}\n`);
    });
}
