import { getNumThreads } from '../../backend/index.js';
import { fail } from '../../errors.js';
import { GPT } from '../../models/gpt.js';
import { AdamW } from '../../optim/adam.js';
import { clipGradNorm } from '../../optim/clip.js';
import { randint } from '../../tensor/create.js';
import { manualSeed } from '../../tensor/random.js';
import { intField, numberField, sectionOf } from '../config.js';
import { lmkitImpl, peakRssMb, round, timed } from '../measure.js';
import type { BenchSuite } from '../types.js';

/**
 * One AdamW training step (forward, cross-entropy, backward, clip to norm 1, update) of nanoGPT's CPU
 * "baby GPT" shapes of configs.json gpt_train (biases on, tanh GELU, tied head, AdamW on every
 * parameter) on random tokens; median over `steps` steps (quick: 5) after 3 warm-up steps, as
 * torch_peer.py.
 */
export const gptTrain: BenchSuite = {
  name: 'gpt_train',
  figure: { field: 'tokens_per_s', higherIsBetter: true },
  extraFigures: ['ms_per_step'],
  isolate: true,
  run({ config, quick }) {
    const c = sectionOf(config, 'gpt_train');
    const [V, T, B, nLayer, nHead, nEmbd] = ['vocab_size', 'block_size', 'batch_size', 'n_layer', 'n_head', 'n_embd']
      .map((f) => intField(c, 'gpt_train', f));
    const betas = c.betas;
    if (!Array.isArray(betas) || betas.length !== 2 || !betas.every((b) => typeof b === 'number')) {
      fail('InvalidFile', `bench config: gpt_train.betas: expected [beta1, beta2], got ${JSON.stringify(betas)}`);
    }
    const steps = quick ? 5 : intField(c, 'gpt_train', 'steps');
    manualSeed(0);
    const model = new GPT({
      vocabSize: V, blockSize: T, nLayer, nHead, nEmbd, bias: c.bias !== false, dropout: 0, gelu: 'tanh',
    });
    const params = model.parameters();
    const opt = new AdamW(params, {
      lr: numberField(c, 'gpt_train', 'lr'), betas: [betas[0], betas[1]], weightDecay: numberField(c, 'gpt_train', 'weight_decay'),
    });
    const x = randint(0, V, [B, T]);
    const y = randint(0, V, [B, T]);
    let loss = 0;
    const step = () => {
      const l = model.loss(x, y);
      opt.zeroGrad({ setToNone: true });
      l.backward();
      clipGradNorm(params, 1.0);
      opt.step();
      loss = l.item();
    };
    const { median } = timed(step, 3, steps);
    if (!Number.isFinite(loss)) throw new Error(`gpt_train: loss became ${loss}`);
    return [{
      bench: 'gpt_train', impl: lmkitImpl(), threads: getNumThreads(), params: params.reduce((n, p) => n + p.size, 0),
      ms_per_step: round(median * 1000, 2), tokens_per_s: round((B * T) / median, 1), peak_rss_mb: peakRssMb(),
    }];
  },
};
