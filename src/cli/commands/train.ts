import { type Command, Option } from 'commander';
import { type TrainConfig, readConfigFile, trainDefaults, validateTrainConfig } from '../train/config.js';
import { printSample } from '../train/sample.js';
import { runTraining } from '../train/run.js';
import { floatArg, intArg } from '../usage.js';

type FlagSpec = [flag: string, key: keyof TrainConfig, help: string, parse?: (v: string) => unknown];

const FLAGS: FlagSpec[] = [
  ['--data <file>', 'data', 'training text (default: the embedded Moby Dick corpus)'],
  ['--tokenizer <spec>', 'tokenizer', 'char | bpe:VOCAB | a tokenizer directory'],
  ['--arch <arch>', 'arch', 'gpt | lstm | gru | rnn'],
  ['--gelu <form>', 'gelu', 'GPT activation: erf (exact, nanoGPT) | tanh (GPT-2)'],
  ['--n-layer <n>', 'nLayer', 'layers', intArg('--n-layer', 1)],
  ['--n-head <n>', 'nHead', 'attention heads (gpt)', intArg('--n-head', 1)],
  ['--n-embd <n>', 'nEmbd', 'embedding width', intArg('--n-embd', 1)],
  ['--n-hidden <n>', 'nHidden', 'hidden size of recurrent models', intArg('--n-hidden', 1)],
  ['--block-size <n>', 'blockSize', 'context length in tokens', intArg('--block-size', 1)],
  ['--batch-size <n>', 'batchSize', 'sequences per step', intArg('--batch-size', 1)],
  ['--max-steps <n>', 'maxSteps', 'optimizer steps', intArg('--max-steps', 0)],
  ['--max-time <seconds>', 'maxTime', 'stop after this many seconds (0: no limit)', floatArg('--max-time', 0)],
  ['--lr <rate>', 'lr', 'peak learning rate', floatArg('--lr', 0)],
  ['--min-lr <rate>', 'minLr', 'learning rate at the end of the cosine decay', floatArg('--min-lr', 0)],
  ['--warmup-steps <n>', 'warmupSteps', 'linear warmup steps', intArg('--warmup-steps', 0)],
  ['--lr-decay-steps <n>', 'lrDecaySteps', 'step where the cosine decay reaches --min-lr', intArg('--lr-decay-steps', 0)],
  ['--beta1 <b>', 'beta1', 'AdamW beta1', floatArg('--beta1', 0, 1)],
  ['--beta2 <b>', 'beta2', 'AdamW beta2', floatArg('--beta2', 0, 1)],
  ['--weight-decay <w>', 'weightDecay', 'AdamW weight decay (matrices and embeddings only)', floatArg('--weight-decay', 0)],
  ['--grad-clip <norm>', 'gradClip', 'clip the gradient norm (0: off)', floatArg('--grad-clip', 0)],
  ['--dropout <p>', 'dropout', 'dropout probability', floatArg('--dropout', 0, 1)],
  ['--val-fraction <f>', 'valFraction', 'the last fraction of the text held out for validation', floatArg('--val-fraction', 0, 1)],
  ['--eval-interval <n>', 'evalInterval', 'steps between validations', intArg('--eval-interval', 0)],
  ['--eval-iters <n>', 'evalIters', 'random validation batches per evaluation', intArg('--eval-iters', 1)],
  ['--seed <n>', 'seed', 'random seed', intArg('--seed', 0)],
  ['--threads <n>', 'threads', 'kernel threads (0: every core)', intArg('--threads', 0)],
  ['--out <dir>', 'out', 'output folder: model, tokenizer, checkpoints, metrics, loss plot'],
  ['--metrics-out <file>', 'metricsOut', 'metrics as JSON lines (default: OUT/metrics.jsonl)'],
];

export function register(program: Command): void {
  const cmd = program.command('train')
    .description('Train a language model on a text file, then save it for `lmkit generate`.');
  for (const [flag, key, help, parse] of FLAGS) {
    const opt = new Option(flag, help).default(trainDefaults[key] === '' ? undefined : trainDefaults[key]);
    if (parse) opt.argParser(parse as (v: string) => number);
    cmd.addOption(opt);
  }
  cmd.addOption(new Option('--bias', 'biases in linear layers and norms').default(trainDefaults.bias));
  cmd.addOption(new Option('--no-bias', 'no biases (nanoGPT: a little better and faster)'));
  cmd.addOption(new Option('--resume', 'continue from OUT/checkpoints/last.safetensors').default(false));
  cmd.addOption(new Option('--sample', 'print a generated sample when training ends').default(false));
  cmd.addOption(new Option('--config <file>', 'settings from a JSON or YAML file (flags override it)'));
  cmd.action(async (opts: Record<string, unknown>) => {
    const fromFile = typeof opts.config === 'string' ? readConfigFile(opts.config) : {};
    const fromFlags: Record<string, unknown> = {};
    for (const key of Object.keys(trainDefaults)) {
      if (cmd.getOptionValueSource(key) === 'cli' && opts[key] !== undefined) fromFlags[key] = opts[key];
    }
    const config = validateTrainConfig({ ...trainDefaults, ...fromFile, ...fromFlags } as TrainConfig);
    const run = await runTraining(config, (line) => process.stderr.write(`${line}\n`));
    const loss = run.finalValLoss === null ? 'n/a' : run.finalValLoss.toFixed(4);
    const steps = run.history.filter((row) => row.step > 0).length;
    process.stdout.write(`trained ${steps} steps in ${run.seconds.toFixed(1)} s; validation loss ${loss}; model in ${run.outDir}\n`);
    if (config.sample) await printSample(run.model, run.tokenizer, { maxNewTokens: 400, seed: config.seed });
  });
}
