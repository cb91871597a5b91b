import { getNumThreads } from '../../backend/index.js';
import { crossEntropy } from '../../autograd/ops/loss.js';
import { Embedding } from '../../nn/embedding.js';
import { Linear } from '../../nn/linear.js';
import { LSTM } from '../../nn/lstm.js';
import { Module } from '../../nn/module.js';
import { Adam } from '../../optim/adam.js';
import { clipGradNorm } from '../../optim/clip.js';
import { randint } from '../../tensor/create.js';
import { manualSeed } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { intField, numberField, sectionOf } from '../config.js';
import { lmkitImpl, peakRssMb, round, timed } from '../measure.js';
import type { BenchSuite } from '../types.js';

/** The design document's char-level generator: Embedding → LSTM (batch first) → Linear, as torch_peer.py's LM. */
class CharLstm extends Module<[Tensor], Tensor> {
  readonly embedding: Embedding;
  readonly lstm: LSTM;
  readonly fc: Linear;

  constructor(vocab: number, embed: number, hidden: number, layers: number) {
    super();
    this.embedding = this.registerModule('embedding', new Embedding(vocab, embed));
    this.lstm = this.registerModule('lstm', new LSTM(embed, hidden, { numLayers: layers, batchFirst: true }));
    this.fc = this.registerModule('fc', new Linear(hidden, vocab));
  }

  override forward(ids: Tensor): Tensor {
    const [out] = this.lstm.forward(this.embedding.forward(ids));
    return this.fc.forward(out);
  }
}

/**
 * One Adam step (forward, cross-entropy, backward, clip to norm 1, update) of the char-level LSTM of
 * configs.json lstm_train on random tokens; median over `steps` steps (quick: 5) after 3 warm-up
 * steps, as torch_peer.py.
 */
export const lstmTrain: BenchSuite = {
  name: 'lstm_train',
  figure: { field: 'tokens_per_s', higherIsBetter: true },
  extraFigures: ['ms_per_step'],
  isolate: true,
  run({ config, quick }) {
    const c = sectionOf(config, 'lstm_train');
    const [V, E, H, L, B, T] = ['vocab_size', 'embedding_dim', 'hidden_dim', 'num_layers', 'batch_size', 'seq_len']
      .map((f) => intField(c, 'lstm_train', f));
    const lr = numberField(c, 'lstm_train', 'lr');
    const steps = quick ? 5 : intField(c, 'lstm_train', 'steps');
    manualSeed(0);
    const model = new CharLstm(V, E, H, L);
    const params = model.parameters();
    const opt = new Adam(params, { lr });
    const x = randint(0, V, [B, T]);
    const y = randint(0, V, [B * T]);
    let loss = 0;
    const step = () => {
      const l = crossEntropy(model.forward(x).reshape(B * T, V), y);
      opt.zeroGrad({ setToNone: true });
      l.backward();
      clipGradNorm(params, 1.0);
      opt.step();
      loss = l.item();
    };
    const { median } = timed(step, 3, steps);
    if (!Number.isFinite(loss)) throw new Error(`lstm_train: loss became ${loss}`);
    return [{
      bench: 'lstm_train', impl: lmkitImpl(), threads: getNumThreads(),
      params: params.reduce((n, p) => n + p.size, 0),
      ms_per_step: round(median * 1000, 2), tokens_per_s: round((B * T) / median, 1), peak_rss_mb: peakRssMb(),
    }];
  },
};
