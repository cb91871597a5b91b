import { getNumThreads } from '../../backend/index.js';
import { noGrad } from '../../autograd/graph.js';
import { BertModel } from '../../models/bert/model.js';
import { randint } from '../../tensor/create.js';
import { manualSeed } from '../../tensor/random.js';
import { intField, sectionOf } from '../config.js';
import { lmkitImpl, peakRssMb, round, timed } from '../measure.js';
import type { BenchSuite } from '../types.js';

/**
 * Inference of a BERT-base-shaped encoder (configs.json bert_forward): lmkit's BertModel (embeddings,
 * `num_layers` post-norm layers with erf GELU, the pooler; no dropout, no padding mask). torch_peer.py
 * builds the same layer stack from torch.nn (nn.Embedding + nn.TransformerEncoder) without BERT's
 * position/segment embeddings, embedding LayerNorm and pooler, which are well under 1% of the work.
 * Median of 5 runs (quick: 2) after a warm-up run.
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
    const model = new BertModel({
      vocabSize: V, hiddenSize: E, numAttentionHeads: heads, intermediateSize: ff, numHiddenLayers: layers,
      maxPositionEmbeddings: Math.max(512, T), hiddenDropoutProb: 0, attentionProbsDropoutProb: 0,
    }).eval();
    const ids = randint(0, V, [B, T]);
    const { median } = noGrad(() => timed(() => {
      model.forward(ids);
    }, 1, quick ? 2 : 5));
    return [{
      bench: 'bert_forward', impl: lmkitImpl(), threads: getNumThreads(),
      sequences_per_s: round(B / median, 2), ms_per_batch: round(median * 1000, 2), peak_rss_mb: peakRssMb(),
    }];
  },
};
