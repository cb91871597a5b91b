import { getNumThreads } from '../../backend/index.js';
import { fail } from '../../errors.js';
import { noGrad } from '../../autograd/graph.js';
import { GPT } from '../../models/gpt.js';
import { randint } from '../../tensor/create.js';
import { manualSeed } from '../../tensor/random.js';
import { intField, sectionOf } from '../config.js';
import { lmkitImpl, peakRssMb, round, timed } from '../measure.js';
import type { BenchRecord, BenchSuite } from '../types.js';

/**
 * Greedy generation with the key/value cache, batch 1, random weights, for each model of configs.json
 * gpt_generate (quick: `small` only, 8 tokens): `new_tokens` tokens after a `prompt_tokens` prompt, the
 * prompt's forward pass included in the time; median of 3 runs (quick: 2) after a warm-up run, as
 * torch_peer.py.
 */
export const gptGenerate: BenchSuite = {
  name: 'gpt_generate',
  figure: { field: 'tokens_per_s', higherIsBetter: true },
  extraFigures: ['ms_per_token'],
  isolate: true,
  run({ config, quick, log }) {
    const c = sectionOf(config, 'gpt_generate');
    const models = c.models;
    if (!Array.isArray(models) || !models.every((m) => typeof m === 'string')) {
      fail('InvalidFile', `bench config: gpt_generate.models: expected a list of model names, got ${JSON.stringify(models)}`);
    }
    const records: BenchRecord[] = [];
    for (const name of quick ? models.slice(0, 1) : models) {
      const m = sectionOf(c, name);
      const f = (field: string) => intField(m, `gpt_generate.${name}`, field);
      log(`gpt_generate ${name}`);
      manualSeed(0);
      const model = new GPT({
        vocabSize: f('vocab_size'), blockSize: f('block_size'), nLayer: f('n_layer'), nHead: f('n_head'),
        nEmbd: f('n_embd'), bias: true, dropout: 0, gelu: 'tanh',
      }).eval();
      const prompt = randint(0, f('vocab_size'), [1, f('prompt_tokens')]);
      const N = quick ? 8 : f('new_tokens');
      let produced = 0;
      const { median } = noGrad(() => timed(() => {
        const out = model.generate(prompt, { maxNewTokens: N, doSample: false, useCache: true, eosTokenId: null });
        produced = out.shape[1] - prompt.shape[1];
      }, 1, quick ? 2 : 3));
      if (produced !== N) throw new Error(`gpt_generate: expected ${N} new tokens, got ${produced}`);
      records.push({
        bench: 'gpt_generate', impl: lmkitImpl(), threads: getNumThreads(), model: name,
        params: model.parameters().reduce((n, p) => n + p.size, 0),
        tokens_per_s: round(N / median, 2), ms_per_token: round((median * 1000) / N, 2), peak_rss_mb: peakRssMb(),
      });
    }
    return records;
  },
};
