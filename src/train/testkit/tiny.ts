/**
 * A tiny regression model built from plain tensors and seeded data for the Trainer's tests (and the
 * child processes the resume and crash tests spawn).
 */
import '../../autograd/index.js';
import { randn, zeros } from '../../tensor/create.js';
import { Generator } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { SplitBatchSource, TrainableModel } from '../types.js';

export interface XYBatch {
  x: Tensor;
  y: Tensor;
}

/** y = x·w + b with w [inFeatures, 1]. */
export class TinyRegression implements TrainableModel {
  readonly w: Tensor;
  readonly b: Tensor;
  training = true;

  constructor(inFeatures = 3, seed = 1) {
    const g = new Generator(seed);
    this.w = randn([inFeatures, 1], { generator: g, requiresGrad: true });
    this.b = zeros([1], { requiresGrad: true });
  }

  forward(x: Tensor): Tensor {
    return x.matmul(this.w).add(this.b);
  }

  parameters(): Tensor[] {
    return [this.w, this.b];
  }

  stateDict(): Map<string, Tensor> {
    return new Map([['w', this.w.detach()], ['b', this.b.detach()]]);
  }

  loadStateDict(sd: Map<string, Tensor>): void {
    for (const [k, t] of [['w', this.w], ['b', this.b]] as const) {
      const src = sd.get(k);
      if (!src) throw new Error(`missing ${k}`);
      t.data.set(src.dense());
    }
  }

  train(mode = true): void {
    this.training = mode;
  }

  eval(): void {
    this.training = false;
  }
}

export function mseLoss(model: TinyRegression, batch: XYBatch): Tensor {
  return model.forward(batch.x).sub(batch.y).square().mean();
}

const TRUE_W = [2, -1, 0.5];

/** `n` batches of `size` examples of y = x·[2, -1, 0.5] + 0.3 + noise. */
export function regressionBatches(n: number, size: number, seed = 7): XYBatch[] {
  const g = new Generator(seed);
  const out: XYBatch[] = [];
  for (let i = 0; i < n; i++) out.push(makeBatch(size, g));
  return out;
}

function makeBatch(size: number, g?: Generator): XYBatch {
  const x = randn([size, 3], { generator: g });
  const y = zeros([size, 1]);
  for (let r = 0; r < size; r++) {
    let v = 0.3 + 0.05 * (g ? g.normal() : randn([1]).item());
    for (let c = 0; c < 3; c++) v += x.data[r * 3 + c] * TRUE_W[c];
    y.data[r] = v;
  }
  return { x, y };
}

/** A nanoGPT-style source: every batch is drawn from the global generator (so resuming must restore it). */
export class RandomRegressionSource implements SplitBatchSource<XYBatch> {
  drawn = 0;
  constructor(private readonly size: number) {}

  nextBatch(): XYBatch {
    this.drawn++;
    return makeBatch(this.size);
  }

  stateDict(): unknown {
    return { drawn: this.drawn };
  }

  loadStateDict(state: unknown): void {
    this.drawn = (state as { drawn: number }).drawn;
  }
}
