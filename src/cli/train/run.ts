import fs from 'node:fs';
import path from 'node:path';
import { setNumThreads } from '../../backend/index.js';
import { encodeLongText, tokenizerFromSpec } from '../../data/prepare.js';
import { type LMBatch, TokenStreamDataset } from '../../data/token_stream.js';
import { type LanguageModel, saveModel } from '../../models/auto.js';
import { WarmupCosineLR } from '../../optim/lr_scheduler.js';
import { manualSeed } from '../../tensor/random.js';
import { Tokenizer } from '../../tokenizers/tokenizer.js';
import { ModelCheckpoint } from '../../train/callbacks.js';
import { Trainer } from '../../train/trainer.js';
import type { Split, SplitBatchSource, StepMetrics } from '../../train/types.js';
import { checkpointFolder } from '../checkpoint-folder.js';
import { UsageError } from '../usage.js';
import type { TrainConfig } from './config.js';
import { readCorpus } from './corpus.js';
import { buildModel, buildOptimizer } from './model.js';

/**
 * nanoGPT's get_batch: random windows of the train or val stream, drawn from the global generator right
 * after the model's initialization, in nanoGPT's order: the next training batch is drawn as soon as the
 * current one is taken (before an evaluation that follows the step), evaluation batches in between. With
 * PyTorch's generator and nanoGPT's initialization, a seed thus sees nanoGPT's very batches.
 */
class RandomWindows implements SplitBatchSource<LMBatch> {
  private prefetched: number[];

  constructor(private readonly splits: Record<Split, TokenStreamDataset>, private readonly batchSize: number) {
    this.prefetched = this.splits.train.sampleOffsets(batchSize);
  }

  nextBatch(split: Split): LMBatch {
    if (split === 'val') return this.evalBatch(split);
    const batch = this.splits.train.batchAt(this.prefetched);
    this.prefetched = this.splits.train.sampleOffsets(this.batchSize);
    return batch;
  }

  evalBatch(split: Split): LMBatch {
    return this.splits[split].sampleBatch(this.batchSize);
  }

  /** The generator is the global one, which checkpoints save; the prefetched batch is this source's own. */
  stateDict(): unknown {
    return { prefetched: this.prefetched };
  }

  loadStateDict(state: unknown): void {
    const prefetched = (state as { prefetched?: unknown })?.prefetched;
    if (!Array.isArray(prefetched) || prefetched.length !== this.batchSize || !prefetched.every(Number.isInteger)) {
      throw new UsageError(`--resume: the checkpoint's batch position does not fit --batch-size ${this.batchSize}; resume with the settings it was trained with`);
    }
    this.prefetched = prefetched;
  }
}

export interface TrainRun {
  model: LanguageModel;
  tokenizer: Tokenizer;
  history: StepMetrics[];
  stopReason: string | null;
  outDir: string;
  finalValLoss: number | null;
  seconds: number;
}

/** `lmkit train`: tokenizes the corpus, builds the model, trains it with checkpoints, saves it for `lmkit generate`. */
export async function runTraining(c: TrainConfig, log: (line: string) => void): Promise<TrainRun> {
  const started = Date.now();
  if (c.threads > 0) setNumThreads(c.threads);
  const { outDir, checkpointDir, lastCheckpoint } = checkpointFolder(c.out, c.resume);
  manualSeed(c.seed);

  const corpus = readCorpus(c.data, c.valFraction);
  log(`data: ${corpus.file} (${corpus.text.length} characters; train ${corpus.train.length}, val ${corpus.val.length})`);
  const showProgress = process.stderr.isTTY && process.env.CI !== 'true';
  const tokenizerFile = path.join(outDir, 'tokenizer.json');
  const tokenizer = c.resume && fs.existsSync(tokenizerFile)
    ? Tokenizer.fromPretrained(outDir)
    : tokenizerFromSpec(c.tokenizer, c.tokenizer === 'char' ? corpus.text : corpus.train, showProgress);
  tokenizer.savePretrained(outDir);
  const trainIds = encodeLongText(tokenizer, corpus.train, showProgress, 'tokenizing train');
  const valIds = encodeLongText(tokenizer, corpus.val, showProgress, 'tokenizing val');
  log(`tokenizer: ${c.tokenizer}, vocabulary ${tokenizer.vocabSize}; train ${trainIds.length} tokens, val ${valIds.length} tokens`);
  if (valIds.length < c.blockSize + 1) {
    throw new UsageError(`--val-fraction ${c.valFraction} leaves ${valIds.length} validation tokens, fewer than --block-size + 1 (${c.blockSize + 1})`);
  }

  const model = buildModel(c, tokenizer.vocabSize);
  const nParams = model.parameters().reduce((n, p) => n + p.size, 0);
  log(`model: ${c.arch}, ${(nParams / 1e6).toFixed(2)}M parameters`);
  fs.writeFileSync(path.join(outDir, 'train_config.json'), `${JSON.stringify(c, null, 2)}\n`);

  const data = new RandomWindows({
    train: new TokenStreamDataset(trainIds, c.blockSize),
    val: new TokenStreamDataset(valIds, c.blockSize),
  }, c.batchSize);
  const trainer = new Trainer<LanguageModel, LMBatch>({
    optimizer: (m) => buildOptimizer(m, c),
    scheduler: (opt) => new WarmupCosineLR(opt, { warmupSteps: c.warmupSteps, lrDecaySteps: Math.max(c.lrDecaySteps, c.warmupSteps), minLr: c.minLr }),
    lossFn: (model, batch) => model.loss(batch.x, batch.y),
    maxSteps: c.maxSteps,
    maxTime: c.maxTime > 0 ? c.maxTime : undefined,
    gradClip: c.gradClip,
    evalInterval: c.evalInterval,
    evalIters: c.evalIters,
    evalAtStart: true,
    evalTrainLoss: true,
    callbacks: [new ModelCheckpoint({ dirpath: checkpointDir, saveTopK: 1, saveLast: true })],
    resumeFrom: c.resume ? lastCheckpoint : undefined,
    metricsFile: c.metricsOut || path.join(outDir, 'metrics.jsonl'),
    plotFile: path.join(outDir, 'loss.svg'),
    tokensPerBatch: (b) => b.x.size,
    stopOnInterrupt: true,
  });

  await trainer.fit(model, data, data);
  saveModel(outDir, model, tokenizer);
  const evaluated = trainer.history.filter((r) => typeof r.val_loss === 'number');
  const finalValLoss = evaluated.length > 0 ? evaluated[evaluated.length - 1].val_loss! : null;
  log(`saved the model to ${outDir} (checkpoints in ${checkpointDir}; continue with --resume)`);
  return {
    model, tokenizer, history: trainer.history, stopReason: trainer.stopReason, outDir, finalValLoss,
    seconds: (Date.now() - started) / 1000,
  };
}
