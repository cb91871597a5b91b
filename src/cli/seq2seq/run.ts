import fs from 'node:fs';
import path from 'node:path';
import { setNumThreads } from '../../backend/index.js';
import { corpusBleu } from '../../metrics/bleu/bleu.js';
import { corpusRouge } from '../../metrics/rouge/rouge.js';
import { saveModel } from '../../models/auto.js';
import { Seq2SeqTransformer } from '../../models/seq2seq/model.js';
import { AdamW } from '../../optim/adam.js';
import { WarmupCosineLR } from '../../optim/lr_scheduler.js';
import { translate } from '../../pipelines/translation.js';
import { Generator, manualSeed } from '../../tensor/random.js';
import { Tokenizer } from '../../tokenizers/tokenizer.js';
import { trainByteLevelBpe } from '../../tokenizers/trainers/bpe.js';
import { ModelCheckpoint } from '../../train/callbacks.js';
import { Trainer } from '../../train/trainer.js';
import type { StepMetrics } from '../../train/types.js';
import { checkpointFolder } from '../checkpoint-folder.js';
import { UsageError } from '../usage.js';
import { encodePairs, LengthBucketedBatches, readParallel, type Seq2SeqBatch } from './data.js';

export const SPECIAL_TOKENS = ['<pad>', '<s>', '</s>'];

export interface Seq2SeqTrainConfig {
  src: string;
  tgt: string;
  valSrc: string;
  valTgt: string;
  tokenizer: string;
  dModel: number;
  nhead: number;
  encoderLayers: number;
  decoderLayers: number;
  dimFeedforward: number;
  dropout: number;
  normFirst: boolean;
  tie: boolean;
  maxTokens: number;
  batchSize: number;
  maxSteps: number;
  maxTime: number;
  lr: number;
  warmupSteps: number;
  labelSmoothing: number;
  weightDecay: number;
  gradClip: number;
  evalInterval: number;
  evalIters: number;
  numBeams: number;
  maxEvalSentences: number;
  metric: 'bleu' | 'rouge';
  seed: number;
  threads: number;
  resume: boolean;
  out: string;
}

export const seq2seqTrainDefaults: Omit<Seq2SeqTrainConfig, 'src' | 'tgt' | 'out'> = {
  valSrc: '', valTgt: '', tokenizer: 'bpe:8000', dModel: 256, nhead: 4, encoderLayers: 3, decoderLayers: 3, dimFeedforward: 1024,
  dropout: 0.1, normFirst: false, tie: true, maxTokens: 128, batchSize: 64, maxSteps: 2000, maxTime: 0, lr: 5e-4,
  warmupSteps: 400, labelSmoothing: 0.1, weightDecay: 0.01, gradClip: 1, evalInterval: 250, evalIters: 10, numBeams: 1,
  maxEvalSentences: 0, metric: 'bleu', seed: 1337, threads: 0, resume: false,
};

export interface Seq2SeqTrainRun {
  model: Seq2SeqTransformer;
  tokenizer: Tokenizer;
  history: StepMetrics[];
  /** BLEU (or ROUGE-L F1 × 100) of the final model on the validation set, null without one. */
  score: number | null;
  scoreLine: string | null;
  seconds: number;
  outDir: string;
}

function tokenizerFor(spec: string, texts: string[]): Tokenizer {
  const m = /^bpe:(\d+)$/.exec(spec);
  if (m) return trainByteLevelBpe(texts, { vocabSize: Number(m[1]), specialTokens: SPECIAL_TOKENS });
  if (spec.startsWith('bpe:')) throw new UsageError(`--tokenizer ${spec}: expected bpe:VOCAB with an integer VOCAB`);
  if (!fs.existsSync(spec)) throw new UsageError(`--tokenizer ${spec}: expected bpe:VOCAB or a tokenizer folder`);
  return Tokenizer.fromPretrained(spec);
}

/** The ids of <pad>, <s>, </s> in `tok` (a UsageError naming the missing one otherwise). */
export function specialIds(tok: Tokenizer): { pad: number; bos: number; eos: number } {
  const [pad, bos, eos] = SPECIAL_TOKENS.map((t) => {
    const id = tok.tokenToId(t);
    if (id === undefined) throw new UsageError(`--tokenizer: the tokenizer has no ${t} token (needed: ${SPECIAL_TOKENS.join(' ')})`);
    return id;
  });
  return { pad, bos, eos };
}

/** Scores hypotheses against references: sacreBLEU's BLEU (13a), or ROUGE-L (F1 × 100). */
export function scoreOutputs(metric: 'bleu' | 'rouge', hyps: string[], refs: string[]): { score: number; line: string } {
  if (metric === 'bleu') {
    const b = corpusBleu(hyps, [refs]);
    return { score: b.score, line: `BLEU = ${b.score.toFixed(2)} ${b.precisions.map((p) => p.toFixed(1)).join('/')} (BP = ${b.bp.toFixed(3)}, sys_len ${b.sysLen}) [tok 13a, sacreBLEU-compatible]` };
  }
  const r = corpusRouge(hyps, [refs], { types: ['rouge1', 'rouge2', 'rougeL'] });
  const f = (k: 'rouge1' | 'rouge2' | 'rougeL') => (100 * (r.scores[k]?.fmeasure ?? 0)).toFixed(2);
  return { score: Number(f('rougeL')), line: `ROUGE-1 ${f('rouge1')} ROUGE-2 ${f('rouge2')} ROUGE-L ${f('rougeL')} (F1 × 100)` };
}

/** `lmkit train-seq2seq`: tokenizer, model, training, then the validation score of the final model. */
export async function runSeq2SeqTraining(c: Seq2SeqTrainConfig, log: (line: string) => void): Promise<Seq2SeqTrainRun> {
  const started = Date.now();
  if (c.threads > 0) setNumThreads(c.threads);
  manualSeed(c.seed);
  const { outDir, checkpointDir, lastCheckpoint } = checkpointFolder(c.out, c.resume);
  const train = readParallel(c.src, c.tgt, '--src', '--tgt');
  const hasVal = c.valSrc !== '' || c.valTgt !== '';
  if (hasVal && (c.valSrc === '' || c.valTgt === '')) throw new UsageError('--val-src and --val-tgt go together');
  const val = hasVal ? readParallel(c.valSrc, c.valTgt, '--val-src', '--val-tgt') : null;
  log(`data: ${train.src.length} training pairs${val ? `, ${val.src.length} validation pairs` : ''}`);

  // A resumed run keeps the vocabulary its checkpoint was trained with.
  const tokenizer = c.resume ? Tokenizer.fromPretrained(outDir) : tokenizerFor(c.tokenizer, [...train.src, ...train.tgt]);
  tokenizer.savePretrained(outDir);
  const ids = specialIds(tokenizer);
  const trainPairs = encodePairs(train.src, train.tgt, tokenizer, tokenizer, ids.eos, c.maxTokens);
  const valPairs = val ? encodePairs(val.src, val.tgt, tokenizer, tokenizer, ids.eos, c.maxTokens) : [];
  const tokens = trainPairs.reduce((n, p) => n + p.src.length + p.tgt.length + 1, 0);
  log(`tokenizer: ${c.tokenizer}, joint vocabulary ${tokenizer.vocabSize}; ${tokens} training tokens`);

  const vocab = tokenizer.vocabSize;
  const model = new Seq2SeqTransformer({
    srcVocabSize: vocab, tgtVocabSize: vocab, dModel: c.dModel, nhead: c.nhead, numEncoderLayers: c.encoderLayers,
    numDecoderLayers: c.decoderLayers, dimFeedforward: c.dimFeedforward, dropout: c.dropout, normFirst: c.normFirst,
    shareEmbeddings: c.tie, tieOutput: c.tie, maxPositions: Math.max(256, c.maxTokens + 2),
    padTokenId: ids.pad, bosTokenId: ids.bos, eosTokenId: ids.eos,
  });
  const nParams = model.parameters().reduce((n, p) => n + p.size, 0);
  log(`model: Seq2SeqTransformer ${c.encoderLayers}+${c.decoderLayers} layers, d_model ${c.dModel}, ${(nParams / 1e6).toFixed(2)}M parameters`);
  fs.writeFileSync(path.join(outDir, 'train_config.json'), `${JSON.stringify(c, null, 2)}\n`);

  const draws = new Generator(c.seed + 1);
  const data = new LengthBucketedBatches(trainPairs, valPairs, c.batchSize, ids, draws);
  const trainer = new Trainer<Seq2SeqTransformer, Seq2SeqBatch>({
    optimizer: (m) => new AdamW(m.parameters(), { lr: c.lr, betas: [0.9, 0.98], eps: 1e-9, weightDecay: c.weightDecay }),
    scheduler: (opt) => new WarmupCosineLR(opt, { warmupSteps: c.warmupSteps, lrDecaySteps: Math.max(c.maxSteps, c.warmupSteps), minLr: c.lr / 10 }),
    lossFn: (m, b) => m.loss(b.src, b.tgtIn, b.tgtOut, c.labelSmoothing),
    maxSteps: c.maxSteps,
    maxTime: c.maxTime > 0 ? c.maxTime : undefined,
    gradClip: c.gradClip,
    evalInterval: val ? c.evalInterval : 0,
    evalIters: val ? c.evalIters : undefined,
    evalAtEnd: val !== null,
    seed: c.seed,
    generators: [draws],
    callbacks: [new ModelCheckpoint({ dirpath: checkpointDir, saveTopK: 1, saveLast: true })],
    resumeFrom: c.resume ? lastCheckpoint : undefined,
    metricsFile: path.join(outDir, 'metrics.jsonl'),
    plotFile: path.join(outDir, 'loss.svg'),
    tokensPerBatch: (b) => b.src.size + b.tgtIn.size,
    stopOnInterrupt: true,
    progress: 'log',
  });
  await trainer.fit(model, data, val ? data : undefined);
  model.eval();
  saveModel(outDir, model, tokenizer);
  log(`saved the model to ${outDir} after ${((Date.now() - started) / 1000).toFixed(0)} s (checkpoints in ${checkpointDir}; continue with --resume)`);

  let score: number | null = null;
  let scoreLine: string | null = null;
  if (val) {
    const n = c.maxEvalSentences > 0 ? Math.min(c.maxEvalSentences, val.src.length) : val.src.length;
    const hyps = translate(model, { source: tokenizer }, val.src.slice(0, n), { numBeams: c.numBeams, maxNewTokens: c.maxTokens, batchSize: 32 });
    fs.writeFileSync(path.join(outDir, 'val.hyp'), `${hyps.join('\n')}\n`);
    ({ score, line: scoreLine } = scoreOutputs(c.metric, hyps, val.tgt.slice(0, n)));
    log(`validation (${n} sentences, ${c.numBeams > 1 ? `beam ${c.numBeams}` : 'greedy'}): ${scoreLine}`);
  }
  return { model, tokenizer, history: trainer.history, score, scoreLine, seconds: (Date.now() - started) / 1000, outDir };
}
