/** Training runs shared by the Trainer's tests and the child processes they spawn. */
import { AdamW } from '../../optim/adam.js';
import { WarmupCosineLR } from '../../optim/lr_scheduler.js';
import { SGD } from '../../optim/sgd.js';
import { ones } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { ModelCheckpoint } from '../callbacks.js';
import { Trainer } from '../trainer.js';
import type { SplitBatchSource, TrainableModel } from '../types.js';
import { mseLoss as mse } from '../../autograd/ops/loss.js';
import { Dropout, GELU, Linear, Sequential } from '../../nn/index.js';
import { Generator } from '../../tensor/random.js';
import { RandomRegressionSource, type XYBatch } from './tiny.js';

/** Parameter values as plain numbers (float32 values survive JSON exactly). */
export function paramValues(model: TrainableModel): number[][] {
  return model.parameters().map((p) => Array.from(p.dense()));
}

/** A small nn MLP with dropout (which draws from the global generator), initialized from `seed`. */
export function mlp(seed = 1): Sequential {
  const generator = new Generator(seed);
  return new Sequential(new Linear(3, 16, { generator }), new GELU(), new Dropout(0.1), new Linear(16, 1, { generator }));
}

/**
 * AdamW + warmup/cosine + accumulation + clipping of an nn MLP with dropout, on random batches from the
 * global generator, validating every 5 steps; with `dirpath`, ModelCheckpoint writes `last.safetensors` there.
 */
export async function resumableRun(opts: { maxSteps: number; dirpath?: string; resumeFrom?: string }): Promise<number[][]> {
  const model = mlp(opts.resumeFrom ? 2 : 1);
  const trainer = new Trainer<Sequential, XYBatch>({
    optimizer: (m) => new AdamW(m.parameters(), { lr: 0.05, weightDecay: 0.1 }),
    scheduler: (o) => new WarmupCosineLR(o, { warmupSteps: 3, lrDecaySteps: 20, minLr: 0.005 }),
    lossFn: (m, b) => mse(m.call(b.x), b.y),
    maxSteps: opts.maxSteps,
    gradAccumSteps: 2,
    gradClip: 1,
    evalInterval: 5,
    evalIters: 2,
    seed: 42,
    progress: 'none',
    resumeFrom: opts.resumeFrom,
    callbacks: opts.dirpath ? [new ModelCheckpoint({ dirpath: opts.dirpath, saveTopK: 1 })] : [],
  });
  await trainer.fit(model, new RandomRegressionSource(8));
  return paramValues(model);
}

/** One big parameter (all elements equal, decaying together), so a checkpoint is `n` floats of one value. */
class BigModel implements TrainableModel {
  readonly w: Tensor;
  constructor(n: number) {
    this.w = ones([n], { requiresGrad: true });
  }
  parameters(): Tensor[] {
    return [this.w];
  }
  stateDict(): Map<string, Tensor> {
    return new Map([['w', this.w.detach()]]);
  }
  loadStateDict(sd: Map<string, Tensor>): void {
    this.w.data.set((sd.get('w') as Tensor).dense());
  }
  train(): void {}
  eval(): void {}
}

/** Trains BigModel forever, saving a checkpoint to `file` after every step and printing `saved <step>`. */
export async function saveForever(file: string, n: number): Promise<void> {
  const none: SplitBatchSource<null> = { nextBatch: () => null };
  const trainer: Trainer<BigModel, null> = new Trainer<BigModel, null>({
    optimizer: (m) => new SGD(m.parameters(), { lr: 0.01, momentum: 0.9 }),
    lossFn: (m) => m.w.square().mean(),
    maxSteps: 1e9,
    progress: 'none',
    callbacks: [{
      onStepEnd: async (t) => {
        await t.saveCheckpoint(file);
        process.stdout.write(`saved ${t.step}\n`);
      },
    }],
  });
  await trainer.fit(new BigModel(n), none);
}
