import { getNumThreads } from '../../backend/index.js';
import { noGrad } from '../../autograd/graph.js';
import { Embedding } from '../../nn/embedding.js';
import { TransformerEncoder } from '../../nn/transformer-encoder.js';
import { TransformerEncoderLayer } from '../../nn/transformer-encoder-layer.js';
import { randint } from '../../tensor/create.js';
import { manualSeed } from '../../tensor/random.js';
import { intField, sectionOf } from '../config.js';
import { lmkitImpl, peakRssMb, round, timed } from '../measure.js';
import type { BenchSuite } from '../types.js';

/**
 * Inference of a BERT-base-shaped encoder (configs.json bert_forward): embedding lookup, then
 * `num_layers` post-norm TransformerEncoderLayers (GELU, no dropout, batch first), as torch_peer.py
 * builds it from torch.nn; median of 5 runs (quick: 2) after a warm-up run.
 */
export const bertForward: BenchSuite = {
  name: 'bert_forward',
  figure: { field: 'sequences_per_s', higherIsBetter: true },
  extraFigures: ['ms_per_batch'],
  isolate: true,
  run({ config, quick }) {
    const c = sectionOf(config, 'bert_forward');
    const [V, E, heads, ff, layers, B, T] = ['vocab_size', 'hidden_size', 'num_heads', 'intermediate_size', 'num_layers',
      'batch_size', 'seq_len'].map((f) => intField(c, 'bert_forward', f));
    manualSeed(0);
    const layer = new TransformerEncoderLayer(E, heads, { dimFeedforward: ff, dropout: 0, activation: 'gelu', batchFirst: true });
    const encoder = new TransformerEncoder(layer, layers).eval();
    const embedding = new Embedding(V, E).eval();
    const ids = randint(0, V, [B, T]);
    const { median } = noGrad(() => timed(() => {
      encoder.forward(embedding.forward(ids));
    }, 1, quick ? 2 : 5));
    return [{
      bench: 'bert_forward', impl: lmkitImpl(), threads: getNumThreads(),
      sequences_per_s: round(B / median, 2), ms_per_batch: round(median * 1000, 2), peak_rss_mb: peakRssMb(),
    }];
  },
};
