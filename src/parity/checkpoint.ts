/**
 * The "checkpoint" parity kind: a Hugging Face checkpoint folder (config.json, model.safetensors) with
 * `expected.safetensors` holding inputs and what Hugging Face computes from them. GPT-2
 * (GPT2LMHeadModel): logits for `input_ids`, `lm_loss` (labels = the ids, shifted by one) and the greedy
 * continuation of `greedy_prompt`, token for token, exactly `greedy_new_tokens` new tokens (EOS does
 * not stop it). BERT (BertForPreTraining): `last_hidden_state`, `mlm_logits` and `nsp_logits` for
 * `input_ids`, `token_type_ids` and `attention_mask` (1 = attend).
 */
import path from 'node:path';
import { noGrad } from '../autograd/graph.js';
import { crossEntropy, reshape, slice } from '../autograd/ops/index.js';
import { fail } from '../errors.js';
import { generate } from '../generation/generate.js';
import { loadSafetensors } from '../io/safetensors.js';
import { BertForPreTraining } from '../models/bert/pretraining.js';
import { GPT } from '../models/gpt.js';
import type { Tensor } from '../tensor/tensor.js';
import { CaseComparison, type CaseResult, type KindContext, type ParityCase, registerKind, skipped } from './registry.js';

const EXACT = { atol: 0, rtol: 0 };

/** The checkpoint's expected.safetensors, and a getter that names a missing tensor. */
function expectedTensors(dir: string): (name: string) => Tensor {
  const file = path.join(dir, 'expected.safetensors');
  const expected = loadSafetensors(file).tensors;
  return (name) => expected.get(name) ?? fail('TensorNotFound', `${file}: no tensor "${name}"`);
}

async function gpt2(c: ParityCase, ctx: KindContext): Promise<CaseResult> {
  const model = await GPT.fromPretrained(ctx.dir, { tokenizer: false });
  const need = expectedTensors(ctx.dir);
  const cmp = new CaseComparison();

  const ids = need('input_ids');
  const V = model.config.vocabSize;
  noGrad(() => {
    const logits = model.forward(ids);
    cmp.check('logits', logits, need('logits'));
    // Hugging Face's LM loss: position t predicts token t + 1
    const loss = crossEntropy(reshape(slice(logits, null, [0, -1]), [-1, V]), reshape(slice(ids, null, [1, null]), [-1]));
    cmp.check('lm_loss', loss, need('lm_loss'));
  });

  const newTokens = c.greedy_new_tokens;
  if (typeof newTokens !== 'number') fail('InvalidFile', `${c.name}: case field "greedy_new_tokens" must be a number`);
  const sequence = generate(model, need('greedy_prompt'), { maxNewTokens: newTokens, eosTokenId: null });
  cmp.check('greedy_sequence', sequence, need('greedy_sequence'), EXACT);
  return cmp.result();
}

async function bertForPreTraining(_c: ParityCase, ctx: KindContext): Promise<CaseResult> {
  const model = await BertForPreTraining.fromPretrained(ctx.dir, { tokenizer: false });
  const need = expectedTensors(ctx.dir);
  const cmp = new CaseComparison();
  noGrad(() => {
    const out = model.forward(need('input_ids'), { tokenTypeIds: need('token_type_ids'), attentionMask: need('attention_mask') });
    cmp.check('last_hidden_state', out.lastHiddenState, need('last_hidden_state'));
    cmp.check('mlm_logits', out.mlmLogits, need('mlm_logits'));
    cmp.check('nsp_logits', out.nspLogits, need('nsp_logits'));
  });
  return cmp.result();
}

const ARCHITECTURES: Record<string, (c: ParityCase, ctx: KindContext) => Promise<CaseResult>> = {
  GPT2LMHeadModel: gpt2,
  BertForPreTraining: bertForPreTraining,
};

registerKind('checkpoint', (c, ctx) => {
  const arch = typeof c.architecture === 'string' ? c.architecture : '(none)';
  const run = ARCHITECTURES[arch];
  if (!run) return skipped(`checkpoint architecture ${arch} is not implemented yet (implemented: ${Object.keys(ARCHITECTURES).join(', ')})`);
  return run(c, ctx);
});
