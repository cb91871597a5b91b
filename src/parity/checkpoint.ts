/**
 * The "checkpoint" parity kind: a Hugging Face checkpoint folder (config.json, model.safetensors) with
 * `expected.safetensors` holding inputs and what Hugging Face computes from them. GPT-2
 * (GPT2LMHeadModel): logits for `input_ids`, `lm_loss` (labels = the ids, shifted by one) and the greedy
 * continuation of `greedy_prompt`, token for token, exactly `greedy_new_tokens` new tokens (EOS does
 * not stop it).
 */
import path from 'node:path';
import { noGrad } from '../autograd/graph.js';
import { crossEntropy, reshape, slice } from '../autograd/ops/index.js';
import { fail } from '../errors.js';
import { generate } from '../generation/generate.js';
import { loadSafetensors } from '../io/safetensors.js';
import { GPT } from '../models/gpt.js';
import type { Tensor } from '../tensor/tensor.js';
import { CaseComparison, type CaseResult, type KindContext, type ParityCase, registerKind, skipped } from './registry.js';

const EXACT = { atol: 0, rtol: 0 };

async function gpt2(c: ParityCase, ctx: KindContext): Promise<CaseResult> {
  const model = await GPT.fromPretrained(ctx.dir, { tokenizer: false });
  const expectedFile = path.join(ctx.dir, 'expected.safetensors');
  const expected = loadSafetensors(expectedFile).tensors;
  const need = (name: string): Tensor => expected.get(name) ?? fail('TensorNotFound', `${expectedFile}: no tensor "${name}"`);
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
  if (typeof newTokens !== 'number') fail('InvalidFile', `${expectedFile}: case field "greedy_new_tokens" must be a number`);
  const sequence = generate(model, need('greedy_prompt'), { maxNewTokens: newTokens, eosTokenId: null });
  cmp.check('greedy_sequence', sequence, need('greedy_sequence'), EXACT);
  return cmp.result();
}

const ARCHITECTURES: Record<string, (c: ParityCase, ctx: KindContext) => Promise<CaseResult>> = {
  GPT2LMHeadModel: gpt2,
};

registerKind('checkpoint', (c, ctx) => {
  const arch = typeof c.architecture === 'string' ? c.architecture : '(none)';
  const run = ARCHITECTURES[arch];
  if (!run) return skipped(`checkpoint architecture ${arch} is not implemented yet (implemented: ${Object.keys(ARCHITECTURES).join(', ')})`);
  return run(c, ctx);
});
