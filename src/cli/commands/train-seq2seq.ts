import { type Command, Option } from 'commander';
import { runSeq2SeqTraining, type Seq2SeqTrainConfig, seq2seqTrainDefaults } from '../seq2seq/run.js';
import { floatArg, intArg, UsageError } from '../usage.js';

type FlagSpec = [flag: string, key: keyof Seq2SeqTrainConfig, help: string, parse?: (v: string) => unknown];

const FLAGS: FlagSpec[] = [
  ['--val-src <file>', 'valSrc', 'validation source lines (scored at the end)'],
  ['--val-tgt <file>', 'valTgt', 'validation target lines'],
  ['--tokenizer <spec>', 'tokenizer', 'bpe:VOCAB (a joint byte-level BPE trained on both sides) | a tokenizer folder with <pad> <s> </s>'],
  ['--d-model <n>', 'dModel', 'model width', intArg('--d-model', 2)],
  ['--nhead <n>', 'nhead', 'attention heads', intArg('--nhead', 1)],
  ['--encoder-layers <n>', 'encoderLayers', 'encoder layers', intArg('--encoder-layers', 1)],
  ['--decoder-layers <n>', 'decoderLayers', 'decoder layers', intArg('--decoder-layers', 1)],
  ['--dim-feedforward <n>', 'dimFeedforward', 'feed-forward width', intArg('--dim-feedforward', 1)],
  ['--dropout <p>', 'dropout', 'dropout probability', floatArg('--dropout', 0, 0.99)],
  ['--max-tokens <n>', 'maxTokens', 'cut each side to this many tokens; also the longest generated output', intArg('--max-tokens', 1)],
  ['--batch-size <n>', 'batchSize', 'sentence pairs per step', intArg('--batch-size', 1)],
  ['--max-steps <n>', 'maxSteps', 'optimizer steps', intArg('--max-steps', 1)],
  ['--max-time <seconds>', 'maxTime', 'stop training after this many seconds (0: no limit)', floatArg('--max-time', 0)],
  ['--lr <rate>', 'lr', 'peak learning rate (warmup, then cosine decay to lr/10)', floatArg('--lr', 0)],
  ['--warmup-steps <n>', 'warmupSteps', 'linear warmup steps', intArg('--warmup-steps', 0)],
  ['--label-smoothing <eps>', 'labelSmoothing', 'label smoothing of the loss', floatArg('--label-smoothing', 0, 1)],
  ['--weight-decay <w>', 'weightDecay', 'AdamW weight decay', floatArg('--weight-decay', 0)],
  ['--grad-clip <norm>', 'gradClip', 'clip the gradient norm (0: off)', floatArg('--grad-clip', 0)],
  ['--eval-interval <n>', 'evalInterval', 'steps between validation losses', intArg('--eval-interval', 0)],
  ['--eval-iters <n>', 'evalIters', 'validation batches per validation loss', intArg('--eval-iters', 1)],
  ['--num-beams <n>', 'numBeams', 'beams when scoring the validation set (1: greedy)', intArg('--num-beams', 1)],
  ['--max-eval-sentences <n>', 'maxEvalSentences', 'score only the first N validation pairs (0: all)', intArg('--max-eval-sentences', 0)],
  ['--metric <name>', 'metric', 'bleu (translation) | rouge (summarization)'],
  ['--seed <n>', 'seed', 'random seed', intArg('--seed', 0)],
  ['--threads <n>', 'threads', 'kernel threads (0: every core)', intArg('--threads', 0)],
];

export function register(program: Command): void {
  const cmd = program.command('train-seq2seq')
    .description('Train an encoder-decoder Transformer on aligned source/target lines (translation, summarization), then score the validation set.')
    .requiredOption('--src <file>', 'training source lines')
    .requiredOption('--tgt <file>', 'training target lines (line i translates line i of --src)')
    .requiredOption('--out <dir>', 'output folder: model, tokenizer, checkpoints, metrics, val.hyp');
  for (const [flag, key, help, parse] of FLAGS) {
    const opt = new Option(flag, help).default((seq2seqTrainDefaults as Record<string, unknown>)[key]);
    if (parse) opt.argParser(parse as (v: string) => number);
    cmd.addOption(opt);
  }
  cmd.addOption(new Option('--norm-first', 'pre-norm layers').default(false));
  cmd.addOption(new Option('--resume', 'continue from OUT/checkpoints/last.safetensors (same data and settings)').default(false));
  cmd.addOption(new Option('--no-tie', 'separate source/target embeddings and output layer (default: one shared table)'));
  cmd.action(async (opts: Seq2SeqTrainConfig) => {
    if (opts.metric !== 'bleu' && opts.metric !== 'rouge') throw new UsageError(`--metric must be bleu or rouge, got "${opts.metric}"`);
    if (opts.dModel % opts.nhead !== 0) throw new UsageError(`--d-model (${opts.dModel}) must be divisible by --nhead (${opts.nhead})`);
    const run = await runSeq2SeqTraining({ ...seq2seqTrainDefaults, ...opts }, (line) => process.stderr.write(`${line}\n`));
    process.stdout.write(`trained ${run.history.length} steps in ${run.seconds.toFixed(1)} s; ${run.scoreLine ?? 'no validation set'}; model in ${run.outDir}\n`);
  });
}
