import { GPT } from '../../models/gpt.js';
import { type LanguageModel } from '../../models/auto.js';
import { RecurrentLanguageModel } from '../../models/rnn-lm.js';
import { AdamW } from '../../optim/adam.js';
import { weightDecayGroups } from '../../optim/groups.js';
import type { TrainConfig } from './config.js';

/** The model `--arch` names, sized by the flags. */
export function buildModel(c: TrainConfig, vocabSize: number): LanguageModel {
  if (c.arch === 'gpt') {
    return new GPT({
      vocabSize, blockSize: c.blockSize, nLayer: c.nLayer, nHead: c.nHead, nEmbd: c.nEmbd, dropout: c.dropout, bias: c.bias, gelu: c.gelu,
    });
  }
  return new RecurrentLanguageModel(c.arch, vocabSize, c.nEmbd, c.nHidden, c.nLayer, { dropout: c.dropout });
}

/** AdamW as nanoGPT configures it: weight decay on matrices and embeddings only. */
export function buildOptimizer(model: LanguageModel, c: TrainConfig): AdamW {
  return new AdamW(weightDecayGroups(model.parameters(), c.weightDecay), { lr: c.lr, betas: [c.beta1, c.beta2] });
}
