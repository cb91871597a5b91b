import { type Command, Option } from 'commander';
import { noGrad } from '../../autograd/graph.js';
import type { GenerationOptions } from '../../generation/types.js';
import { loadModel } from '../../models/auto.js';
import { type NoRepeatNgramFlag, UsageError, floatArg, intArg, noRepeatNgramOption } from '../usage.js';

/** Flags passed on to `generate` under the same names (and types) as its options. */
type GenerationFlags = Pick<GenerationOptions,
  'maxNewTokens' | 'minNewTokens' | 'temperature' | 'topK' | 'topP' | 'typicalP' | 'minP' |
  'repetitionPenalty' | 'numBeams' | 'lengthPenalty'>;

interface GenerateFlags extends GenerationFlags, NoRepeatNgramFlag {
  model: string;
  prompt: string;
  greedy?: boolean;
  stop: string[];
  numSamples: number;
  seed?: number;
  stream: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function register(program: Command): void {
  program.command('generate')
    .description('Generate text from a trained model.')
    .requiredOption('--model <dir>', 'a model folder written by `lmkit train` (or a GPT-2 checkpoint folder)')
    .option('--prompt <text>', 'text to continue', '\n')
    .option('--max-new-tokens <n>', 'tokens to generate', intArg('--max-new-tokens', 1), 300)
    .option('--min-new-tokens <n>', 'tokens before EOS may end a sample', intArg('--min-new-tokens', 0), 0)
    .addOption(new Option('--greedy', 'take the most likely token (no sampling)'))
    .option('--temperature <t>', 'sampling temperature', floatArg('--temperature', 0), 0.8)
    .option('--top-k <k>', 'sample among the k most likely tokens (0: off)', intArg('--top-k', 0), 200)
    .option('--top-p <p>', 'nucleus sampling mass (1: off)', floatArg('--top-p', 0, 1), 1)
    .option('--typical-p <p>', 'typical sampling mass (1: off)', floatArg('--typical-p', 0, 1), 1)
    .option('--min-p <p>', 'drop tokens below p x the top probability (0: off)', floatArg('--min-p', 0, 1), 0)
    .option('--repetition-penalty <r>', 'penalize tokens already present (1: off)', floatArg('--repetition-penalty', 0), 1)
    .addOption(noRepeatNgramOption('forbid repeating n-grams (0: off)'))
    .option('--num-beams <n>', 'beam search with n beams (implies --greedy)', intArg('--num-beams', 1), 1)
    .option('--length-penalty <x>', 'beam score length exponent', floatArg('--length-penalty'), 1)
    .option('--stop <text>', 'stop a sample at this text (repeatable)', collect, [])
    .option('--num-samples <n>', 'samples to generate', intArg('--num-samples', 1), 1)
    .option('--seed <n>', 'random seed for reproducible samples', intArg('--seed', 0))
    .option('--stream', 'print tokens as they are generated', false)
    .action(async (flags: GenerateFlags) => {
      if (flags.temperature <= 0 && !flags.greedy) throw new UsageError('--temperature must be positive (use --greedy for argmax decoding)');
      if (flags.stream && flags.numBeams > 1) throw new UsageError('--stream cannot be combined with --num-beams > 1');
      const { model, tokenizer } = await loadModel(flags.model);
      if (!tokenizer) throw new UsageError(`--model: ${flags.model} has no tokenizer files`);
      const prompt = tokenizer.encodeIds(flags.prompt, { addSpecialTokens: false });
      if (prompt.length === 0) throw new UsageError('--prompt: the prompt encodes to no tokens');
      const doSample = !flags.greedy && flags.numBeams === 1;
      const options: Partial<GenerationOptions> = {
        maxNewTokens: flags.maxNewTokens, minNewTokens: flags.minNewTokens, doSample,
        temperature: flags.temperature, topK: flags.topK, topP: flags.topP, typicalP: flags.typicalP, minP: flags.minP,
        repetitionPenalty: flags.repetitionPenalty, noRepeatNgramSize: flags.repeatNgramSize,
        numBeams: flags.numBeams, lengthPenalty: flags.lengthPenalty, stopStrings: flags.stop, tokenizer,
      };
      await noGrad(async () => {
        for (let s = 0; s < flags.numSamples; s++) {
          const seed = flags.seed === undefined ? null : flags.seed + s;
          if (s > 0) process.stdout.write('\n---\n');
          if (flags.stream) {
            process.stdout.write(flags.prompt);
            for await (const chunk of model.generateStream([prompt], { ...options, seed })) process.stdout.write(chunk.text);
          } else {
            const out = model.generate([prompt], { ...options, seed });
            const row = Array.from(out.slice(0).dense());
            const text = tokenizer.decode(row.slice(prompt.length));
            const cut = Math.min(...flags.stop.map((st) => text.indexOf(st)).filter((i) => i >= 0), text.length);
            process.stdout.write(flags.prompt + text.slice(0, cut));
          }
        }
        process.stdout.write('\n');
      });
    });
}
