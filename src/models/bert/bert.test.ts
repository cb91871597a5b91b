import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { backward, noGrad } from '../../autograd/graph.js';
import { gradcheck } from '../../autograd/gradcheck.js';
import { gelu, slice } from '../../autograd/ops/index.js';
import { loadSafetensors } from '../../io/safetensors.js';
import { runParity } from '../../parity/runner.js';
import { randint, tensor, zeros } from '../../tensor/create.js';
import { Generator } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { assertClose } from '../../testing/assert.js';
import { sharedDir, SHARED_MISSING } from '../../testing/shared.js';
import { editedCheckpoint as editCheckpoint, rejectsWith } from '../checkpoint.test-util.js';
import { bertConfigFromHF, bertConfigToHF } from './config.js';
import { BertModel, keyPaddingMask } from './model.js';
import { BertForMaskedLM, BertForPreTraining } from './pretraining.js';

const SHARED = sharedDir();
const skip = SHARED ? false : SHARED_MISSING;
const fixture = () => path.join(SHARED!, 'fixtures/torch/bert-tiny');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-bert-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const tiny = { vocabSize: 40, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 32, maxPositionEmbeddings: 16 };

function expected(): Map<string, Tensor> {
  return loadSafetensors(path.join(fixture(), 'expected.safetensors')).tensors;
}

function editedCheckpoint(name: string, edit: (t: Map<string, Tensor>) => void, config?: object): string {
  return editCheckpoint(fixture(), path.join(tmp, name), edit, config);
}

test('BertForPreTraining.fromPretrained reproduces Hugging Face on bert-tiny; BertForMaskedLM and BertModel agree', { skip }, async () => {
  const e = expected();
  const inputs = { tokenTypeIds: e.get('token_type_ids')!, attentionMask: e.get('attention_mask')! };
  const model = await BertForPreTraining.fromPretrained(fixture());
  assert.equal(model.training, false);
  const out = noGrad(() => model.forward(e.get('input_ids')!, inputs));
  assertClose(out.lastHiddenState, e.get('last_hidden_state')!, 1e-4, 1e-4, 'last_hidden_state');
  assertClose(out.mlmLogits, e.get('mlm_logits')!, 1e-4, 1e-4, 'mlm_logits');
  assertClose(out.nspLogits, e.get('nsp_logits')!, 1e-4, 1e-4, 'nsp_logits');

  const mlm = await BertForMaskedLM.fromPretrained(fixture());
  assert.equal(mlm.bert.pooler, null);
  assertClose(noGrad(() => mlm.forward(e.get('input_ids')!, inputs)), e.get('mlm_logits')!, 1e-4, 1e-4, 'BertForMaskedLM logits');
  const body = await BertModel.fromPretrained(fixture());
  const bodyOut = noGrad(() => body.forward(e.get('input_ids')!, inputs));
  assertClose(bodyOut.lastHiddenState, e.get('last_hidden_state')!, 1e-4, 1e-4, 'BertModel last_hidden_state');
  assertClose(bodyOut.pooledOutput!, out.pooledOutput, 1e-6, 1e-6, 'pooled output');

  const summary = await runParity(fixture());
  assert.equal(summary.outcomes[0].status, 'pass', summary.outcomes[0].detail);
});

test('savePretrained writes Hugging Face\'s layout; loading it again gives the same model', { skip }, async () => {
  const model = await BertForPreTraining.fromPretrained(fixture());
  const out = path.join(tmp, 'saved');
  model.savePretrained(out);
  const names = (dir: string) => [...loadSafetensors(path.join(dir, 'model.safetensors')).tensors.keys()].sort();
  assert.deepEqual(names(out), names(fixture()));
  const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
  assert.equal(config.model_type, 'bert');
  assert.deepEqual(config.architectures, ['BertForPreTraining']);
  assert.equal(config.hidden_act, 'gelu');
  assert.equal(config.layer_norm_eps, 1e-12);
  const again = await BertForPreTraining.fromPretrained(out);
  assert.deepEqual(again.config, model.config);
  for (const [name, t] of model.stateDict()) assert.deepEqual(again.stateDict().get(name)!.dense(), t.dense(), name);
});

test('names without "bert.", old gamma/beta names, a stored decoder and position_ids are accepted', { skip }, async () => {
  const dir = editedCheckpoint('variants', (t) => {
    for (const [k, v] of [...t]) {
      t.delete(k);
      t.set(k.replace(/^bert\./, '').replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta'), v);
    }
    t.set('cls.predictions.decoder.weight', t.get('embeddings.word_embeddings.weight')!);
    t.set('cls.predictions.decoder.bias', t.get('cls.predictions.bias')!);
    t.delete('cls.predictions.bias');
    t.set('embeddings.position_ids', tensor([Array.from({ length: 32 }, (_, i) => i)], { dtype: 'int32' }));
  });
  const a = await BertForPreTraining.fromPretrained(dir);
  const b = await BertForPreTraining.fromPretrained(fixture());
  for (const [name, v] of b.stateDict()) assert.deepEqual(a.stateDict().get(name)!.dense(), v.dense(), name);
});

test('unknown architectures, missing and misshaped tensors are errors that name the problem', { skip }, async () => {
  const reject = rejectsWith;
  await reject(BertForPreTraining.fromPretrained(editedCheckpoint('gpt2', () => {}, { model_type: 'gpt2', architectures: ['GPT2LMHeadModel'] })),
    'Unsupported', /model_type "gpt2" \(GPT2LMHeadModel\) is not supported/);
  await reject(BertForPreTraining.fromPretrained(editedCheckpoint('missing', (t) => t.delete('bert.encoder.layer.1.output.dense.bias'))),
    'TensorNotFound', /missing tensor "bert\.encoder\.layer\.1\.output\.dense\.bias" \(or "encoder\.layer\.1\.output\.dense\.bias"\)/);
  await reject(BertForPreTraining.fromPretrained(editedCheckpoint('no-nsp', (t) => t.delete('cls.seq_relationship.weight'))),
    'TensorNotFound', /missing tensor "cls\.seq_relationship\.weight"/);
  await reject(BertForPreTraining.fromPretrained(editedCheckpoint('misshaped', (t) => t.set('bert.encoder.layer.0.intermediate.dense.weight', zeros([16, 32])))),
    'ShapeMismatch', /"bert\.encoder\.layer\.0\.intermediate\.dense\.weight" has shape \[16, 32\], expected \[32, 16\]/);
  await reject(BertForPreTraining.fromPretrained(editedCheckpoint('decoder', (t) => t.set('cls.predictions.decoder.weight', zeros([60, 8])))),
    'ShapeMismatch', /"cls\.predictions\.decoder\.weight" has shape \[60, 8\], expected \[60, 16\] \(tied to the word embeddings\)/);
  await reject(BertForPreTraining.fromPretrained(editedCheckpoint('unknown', (t) => t.set('bert.encoder.layer.2.output.dense.bias', zeros([16])))),
    'InvalidFile', /unexpected tensor "bert\.encoder\.layer\.2\.output\.dense\.bias" \(not part of a BertForPreTraining of this config\)/);
  await reject(BertForPreTraining.fromPretrained(editedCheckpoint('act', () => {}, { hidden_act: 'swish' })), 'Unsupported', /hidden_act "swish"/);
  // a masked-LM checkpoint has no pooler nor NSP head: BertForMaskedLM and BertModel load it, BertForPreTraining cannot
  const mlmOnly = editedCheckpoint('mlm-only', (t) => {
    for (const k of [...t.keys()]) if (k.startsWith('bert.pooler.') || k.startsWith('cls.seq_relationship.')) t.delete(k);
  });
  await BertForMaskedLM.fromPretrained(mlmOnly);
  assert.equal((await BertModel.fromPretrained(mlmOnly)).pooler, null);
  await reject(BertForPreTraining.fromPretrained(mlmOnly), 'TensorNotFound', /missing tensor "bert\.pooler\.dense\.weight"/);
});

test('padding is not attended: a padded row gives the unpadded row\'s states on its real tokens', () => {
  const model = new BertModel(tiny, { generator: new Generator(1) }).eval();
  const ids = randint(1, 40, [1, 5], { generator: new Generator(2) });
  const padded = tensor([[...Array.from(ids.dense()), 0, 0, 0]], { dtype: 'int32' });
  const mask = tensor([[1, 1, 1, 1, 1, 0, 0, 0]], { dtype: 'int32' });
  noGrad(() => {
    const alone = model.forward(ids);
    const withPad = model.forward(padded, { attentionMask: mask });
    assertClose(slice(withPad.lastHiddenState, null, [0, 5]), alone.lastHiddenState, 1e-5, 1e-5, 'hidden states of real tokens');
    assertClose(withPad.pooledOutput!, alone.pooledOutput!, 1e-5, 1e-5, 'pooled output');
    const attended = model.forward(padded);
    assert.ok(Math.abs(attended.lastHiddenState.dense()[0] - withPad.lastHiddenState.dense()[0]) > 1e-6, 'the mask changes the result');
  });
});

/** -log softmax(row)[label] in float64, from the logits alone. */
function nll(row: number[], label: number): number {
  const m = Math.max(...row);
  const lse = m + Math.log(row.reduce((s, x) => s + Math.exp(x - m), 0));
  return lse - row[label];
}

test('pre-training loss = MLM cross-entropy over labelled positions (-100 skipped) + NSP cross-entropy', () => {
  const model = new BertForPreTraining(tiny, { generator: new Generator(3) }).eval();
  const ids = randint(0, 40, [2, 6], { generator: new Generator(4) });
  const labels = tensor([[-100, 7, -100, -100, 3, -100], [-100, -100, 11, -100, -100, -100]], { dtype: 'int32' });
  const nextSentenceLabel = tensor([0, 1], { dtype: 'int32' });
  const out = noGrad(() => model.loss(ids, { labels, nextSentenceLabel }));
  const logits = out.mlmLogits.tolist() as number[][][];
  const mlm = (nll(logits[0][1], 7) + nll(logits[0][4], 3) + nll(logits[1][2], 11)) / 3;
  const nspRows = out.nspLogits.tolist() as number[][];
  const nsp = (nll(nspRows[0], 0) + nll(nspRows[1], 1)) / 2;
  assert.ok(Math.abs(out.mlmLoss!.item() - mlm) < 1e-5, `mlm ${out.mlmLoss!.item()} vs ${mlm}`);
  assert.ok(Math.abs(out.nspLoss!.item() - nsp) < 1e-5, `nsp ${out.nspLoss!.item()} vs ${nsp}`);
  assert.ok(Math.abs(out.loss.item() - (mlm + nsp)) < 1e-5);
  assert.throws(() => model.loss(ids, {}), /give labels, nextSentenceLabel or both/);
});

test('backward reaches every parameter; the MLM decoder is tied to the word embeddings', () => {
  const model = new BertForPreTraining({ ...tiny, hiddenDropoutProb: 0.1, attentionProbsDropoutProb: 0.1 }, { generator: new Generator(5) });
  const ids = randint(1, 40, [2, 6], { generator: new Generator(6) });
  const labels = tensor([[5, -100, -100, 9, -100, -100], [-100, 1, -100, -100, -100, 2]], { dtype: 'int32' });
  const { loss } = model.loss(ids, { labels, nextSentenceLabel: tensor([1, 0], { dtype: 'int32' }), attentionMask: tensor([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0]], { dtype: 'int32' }) });
  backward(loss);
  for (const [name, p] of model.namedParameters()) assert.ok(p.grad, `${name} has a gradient`);
  assert.equal(model.stateDict().has('cls.predictions.decoder.weight'), false);
  // a token absent from the input has its embedding row reached only through the tied decoder
  const used = new Set(Array.from(ids.dense()));
  const unused = [...Array(40).keys()].find((i) => !used.has(i))!;
  const g = model.bert.embeddings.wordEmbeddings.weight.grad!.tolist() as number[][];
  assert.ok(g[unused].some((x) => x !== 0), 'the decoder\'s gradient reaches the embedding matrix');
});

test('a row that attends nothing gets equal attention weights, as Hugging Face\'s extended mask gives (no NaN)', () => {
  const model = new BertModel(tiny, { generator: new Generator(7) }).eval();
  const ids = randint(1, 40, [2, 4], { generator: new Generator(8) });
  const out = noGrad(() => model.forward(ids, { attentionMask: tensor([[1, 1, 0, 0], [0, 0, 0, 0]], { dtype: 'int32' }) }));
  assert.ok(Array.from(out.lastHiddenState.dense()).every(Number.isFinite));
  const first = noGrad(() => model.forward(slice(ids, [0, 1]), { attentionMask: tensor([[1, 1, 0, 0]], { dtype: 'int32' }) }));
  assertClose(slice(out.lastHiddenState, [0, 1]), first.lastHiddenState, 1e-5, 1e-5, 'the other row is unchanged');
  // the empty row's mask adds float32's lowest value to every score: the weights are all equal, so each
  // query's output is the mean of the values
  const mask = keyPaddingMask(tensor([[1, 1, 0, 0], [0, 0, 0, 0]], { dtype: 'int32' }), 2, 4)!;
  assert.equal(mask.dtype, 'float32');
  const layer = model.encoder.layer.at(0).attention.selfAttention;
  const h = noGrad(() => model.embeddings.forward(slice(ids, [1, 2])));
  const attended = noGrad(() => layer.forward(h, slice(mask, [1, 2]))).tolist() as number[][][];
  const values = noGrad(() => layer.value.forward(h)).tolist() as number[][][];
  const mean = values[0][0].map((_, c) => values[0].reduce((s, row) => s + row[c], 0) / 4);
  for (const row of attended[0]) assertClose(row, mean, 1e-5, 1e-5, 'uniform attention = the mean of the values');
});

test('config.json ↔ BertConfig: Hugging Face fields, GELU forms, defaults and bad values', () => {
  const hf = { model_type: 'bert', vocab_size: 99, hidden_size: 12, num_hidden_layers: 1, num_attention_heads: 3, intermediate_size: 24,
    hidden_act: 'gelu_new', max_position_embeddings: 20, type_vocab_size: 2 };
  const c = bertConfigFromHF(hf);
  assert.equal(c.hiddenAct, 'gelu_new');
  assert.equal(c.layerNormEps, 1e-12, 'BERT\'s default eps');
  assert.equal(c.hiddenDropoutProb, 0.1);
  assert.deepEqual(bertConfigFromHF(bertConfigToHF(c, 'BertForMaskedLM')), c);
  // the tanh form is used for gelu_new: compare one intermediate activation with both forms
  const model = new BertModel(c, { generator: new Generator(9) }).eval();
  const x = randint(0, 10, [1, 3], { generator: new Generator(10) });
  const h = noGrad(() => model.embeddings.forward(x));
  const pre = noGrad(() => model.encoder.layer.at(0).intermediate.dense.forward(h));
  const got = noGrad(() => model.encoder.layer.at(0).intermediate.forward(h));
  assertClose(got, noGrad(() => gelu(pre, 'tanh')), 1e-6, 1e-6, 'gelu_new');
  assert.ok(Math.max(...Array.from(got.dense(), (v, i) => Math.abs(v - gelu(pre, 'none').dense()[i]))) > 1e-7, 'and not the erf form');
  assert.throws(() => bertConfigFromHF({ ...hf, num_attention_heads: 5 }), /hiddenSize \(12\) must be a multiple of numAttentionHeads \(5\)/);
  assert.throws(() => bertConfigFromHF({ ...hf, vocab_size: 0 }), /vocab_size must be a positive integer, got 0/);
  assert.throws(() => bertConfigFromHF({ ...hf, position_embedding_type: 'relative_key' }), /position_embedding_type "relative_key"/);
  assert.throws(() => new BertModel({ hiddenSize: '12' as unknown as number }), /config field "hiddenSize" must be a number/);
});

test('the pre-training loss\'s gradients pass gradcheck for every parameter (float64, with padding and both heads)', () => {
  const model = new BertForPreTraining({ vocabSize: 7, hiddenSize: 4, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 8,
    maxPositionEmbeddings: 4, hiddenDropoutProb: 0, attentionProbsDropoutProb: 0 }, { generator: new Generator(11) }).double();
  // ids avoid the padding id 0, whose embedding row the lookup leaves without gradient (finite differences would not)
  const ids = tensor([[2, 5, 1, 3], [6, 4, 2, 1]], { dtype: 'int32' });
  const labels = { labels: tensor([[-100, 3, -100, 6], [1, -100, -100, -100]], { dtype: 'int32' }), nextSentenceLabel: tensor([1, 0], { dtype: 'int32' }),
    tokenTypeIds: tensor([[0, 0, 1, 1], [0, 1, 1, 0]], { dtype: 'int32' }), attentionMask: tensor([[1, 1, 1, 1], [1, 1, 1, 0]], { dtype: 'int32' }) };
  const result = gradcheck(() => model.loss(ids, labels).loss, model.parameters());
  assert.equal(result.checked, model.numParameters(), "every parameter element is checked");
});
