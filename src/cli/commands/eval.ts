import fs from 'node:fs';
import type { Command } from 'commander';
import { encodeLongText } from '../../data/prepare.js';
import { loadModel } from '../../models/auto.js';
import { GPT } from '../../models/gpt.js';
import { perplexity } from '../../metrics/perplexity.js';
import { UsageError, intArg } from '../usage.js';

export function register(program: Command): void {
  program.command('eval')
    .description('Loss and perplexity of a trained model on a text file (sliding window).')
    .requiredOption('--model <dir>', 'a model folder written by `lmkit train` (or a GPT-2 checkpoint folder)')
    .requiredOption('--data <file>', 'the text to score')
    .option('--context <n>', 'tokens per window (default: the model\'s block size, else 256)', intArg('--context', 2))
    .option('--stride <n>', 'tokens between window starts (default: the context length)', intArg('--stride', 1))
    .option('--json', 'print the result as one JSON line', false)
    .action(async (opts: { model: string; data: string; context?: number; stride?: number; json: boolean }) => {
      if (!fs.existsSync(opts.data)) throw new UsageError(`--data: no such file ${opts.data}`);
      const { model, tokenizer } = await loadModel(opts.model);
      if (!tokenizer) throw new UsageError(`--model: ${opts.model} has no tokenizer files`);
      const text = fs.readFileSync(opts.data, 'utf8');
      const ids = encodeLongText(tokenizer, text, process.stderr.isTTY && process.env.CI !== 'true');
      const contextLength = opts.context ?? (model instanceof GPT ? model.config.blockSize : 256);
      const stride = opts.stride ?? contextLength;
      if (stride > contextLength) throw new UsageError(`--stride (${stride}) must not exceed --context (${contextLength})`);
      const r = perplexity(model, Array.from(ids), { maxLength: contextLength, stride });
      if (opts.json) process.stdout.write(`${JSON.stringify({ loss: r.nll, perplexity: r.perplexity, tokens: r.tokens })}\n`);
      else process.stdout.write(`loss ${r.nll.toFixed(4)}  perplexity ${r.perplexity.toFixed(3)}  (${r.tokens} tokens)\n`);
    });
}
