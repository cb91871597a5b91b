import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { BertForMaskedLM } from '../../models/bert/pretraining.js';
import { readJsonObject } from '../../models/pretrained.js';
import { fillMask, maskTokenOf } from '../../pipelines/fill-mask.js';
import { intArg, UsageError } from '../usage.js';

interface FillMaskFlags {
  model: string;
  topK: number;
  json: boolean;
}

export function register(program: Command): void {
  program.command('fill-mask')
    .description('Predict the tokens hidden by the mask token ([MASK]) of a text with a BERT model.')
    .argument('<text>', 'text with one or more mask tokens')
    .requiredOption('--model <dir>', 'a BERT checkpoint with its tokenizer: a folder in Hugging Face\'s layout, or a hub id')
    .option('--top-k <k>', 'candidates per mask', intArg('--top-k', 1), 5)
    .option('--json', 'print Hugging Face\'s fields (score, token, token_str, sequence) as JSON, one list per mask', false)
    .action(async (text: string, flags: FillMaskFlags) => {
      if (fs.existsSync(flags.model)) {
        const configFile = path.join(flags.model, 'config.json');
        if (!fs.existsSync(configFile)) throw new UsageError(`--model: ${flags.model} has no config.json`);
        const type = readJsonObject(configFile).model_type;
        if (type !== 'bert') throw new UsageError(`--model: ${flags.model} holds a ${JSON.stringify(type)} model; fill-mask needs a BERT checkpoint (model_type "bert")`);
      }
      const model = await BertForMaskedLM.fromPretrained(flags.model);
      if (!model.tokenizer) throw new UsageError(`--model: ${flags.model} has no tokenizer files`);
      const mask = maskTokenOf(model.tokenizer);
      if (!model.tokenizer.encode(text).ids.includes(mask.id)) throw new UsageError(`the text has no mask token ${mask.token}`);
      const predictions = fillMask(model, text, { topK: flags.topK });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(predictions, null, 2)}\n`);
        return;
      }
      predictions.forEach((candidates, m) => {
        if (predictions.length > 1) process.stdout.write(`${m > 0 ? '\n' : ''}${mask.token} ${m + 1}:\n`);
        const width = Math.max(...candidates.map((c) => c.token_str.length));
        for (const c of candidates) process.stdout.write(`${c.score.toFixed(4)}  ${c.token_str.padEnd(width)}  ${c.sequence}\n`);
      });
    });
}
