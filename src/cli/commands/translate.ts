import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { LMKIT_SEQ2SEQ, loadSeq2SeqModel } from '../../models/auto.js';
import { readJsonObject } from '../../models/pretrained.js';
import { translate } from '../../pipelines/translation.js';
import { floatArg, intArg, type NoRepeatNgramFlag, noRepeatNgramOption, UsageError } from '../usage.js';

interface TranslateFlags extends NoRepeatNgramFlag {
  model: string;
  numBeams: number;
  maxNewTokens: number;
  lengthPenalty: number;
  minNewTokens: number;
  repetitionPenalty: number;
  input?: string;
}

function addCommand(program: Command, name: string, description: string): void {
  program.command(name)
    .description(description)
    .argument('[texts...]', 'texts (default: one per line of --input, or of standard input)')
    .requiredOption('--model <dir>', 'a folder written by lmkit train-seq2seq')
    .option('--input <file>', 'read texts one per line from this file')
    .option('--num-beams <n>', 'beam search width (1: greedy)', intArg('--num-beams', 1), 4)
    .option('--max-new-tokens <n>', 'longest output in tokens', intArg('--max-new-tokens', 1), 64)
    .option('--length-penalty <x>', 'beam scores are log p / length^x', floatArg('--length-penalty'), 1)
    .option('--min-new-tokens <n>', 'tokens before EOS may end an output', intArg('--min-new-tokens', 0), 0)
    .addOption(noRepeatNgramOption('forbid repeating n-grams in an output (0: off)'))
    .option('--repetition-penalty <r>', 'penalize tokens already in the output (1: off)', floatArg('--repetition-penalty', 0), 1)
    .action((texts: string[], flags: TranslateFlags) => {
      const configFile = path.join(flags.model, 'config.json');
      if (!fs.existsSync(configFile)) throw new UsageError(`--model: ${flags.model} has no config.json`);
      const type = readJsonObject(configFile).model_type;
      if (type !== LMKIT_SEQ2SEQ) throw new UsageError(`--model: ${flags.model} holds a ${JSON.stringify(type)} model; ${name} needs an encoder-decoder (model_type "${LMKIT_SEQ2SEQ}")`);
      if (flags.input && texts.length > 0) throw new UsageError('give texts as arguments or --input, not both');
      let inputs = texts;
      if (inputs.length === 0) {
        const file = flags.input ?? 0;
        if (flags.input && !fs.existsSync(flags.input)) throw new UsageError(`--input: no such file ${flags.input}`);
        inputs = fs.readFileSync(file, 'utf8').split('\n').map((l) => l.replace(/\r$/, ''));
        if (inputs[inputs.length - 1] === '') inputs.pop();
      }
      const { model, sourceTokenizer, targetTokenizer } = loadSeq2SeqModel(flags.model);
      if (!sourceTokenizer) throw new UsageError(`--model: ${flags.model} has no tokenizer files`);
      const outputs = translate(model, { source: sourceTokenizer, target: targetTokenizer ?? undefined }, inputs, {
        numBeams: flags.numBeams, maxNewTokens: flags.maxNewTokens, lengthPenalty: flags.lengthPenalty,
        minNewTokens: flags.minNewTokens, noRepeatNgramSize: flags.repeatNgramSize, repetitionPenalty: flags.repetitionPenalty,
      });
      for (const line of outputs) process.stdout.write(`${line}\n`);
    });
}

export function register(program: Command): void {
  addCommand(program, 'translate', 'Translate texts with an encoder-decoder model (one output line per input).');
  addCommand(program, 'summarize', 'Summarize texts with an encoder-decoder model (one output line per input).');
}
