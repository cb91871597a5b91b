import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { noGrad } from '../autograd/graph.js';
import { loadSafetensors } from '../io/safetensors.js';
import { zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { assertClose } from '../testing/assert.js';
import { sharedDir, SHARED_MISSING } from '../testing/shared.js';
import { editedCheckpoint as editCheckpoint, rejectsWith, withFakeHub } from './checkpoint.test-util.js';
import { GPT } from './gpt.js';

const SHARED = sharedDir();
const skip = SHARED ? false : SHARED_MISSING;
const fixture = () => path.join(SHARED!, 'fixtures/torch/gpt2-tiny');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lmkit-gpt-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of the fixture checkpoint whose weights file is rewritten by `edit`. */
function editedCheckpoint(name: string, edit: (t: Map<string, Tensor>) => void, config?: object): string {
  return editCheckpoint(fixture(), path.join(tmp, name), edit, config);
}

test('fromPretrained reproduces Hugging Face\'s logits on the gpt2-tiny fixture', { skip }, async () => {
  const model = await GPT.fromPretrained(fixture());
  const { tensors } = loadSafetensors(path.join(fixture(), 'expected.safetensors'));
  const logits = noGrad(() => model.forward(tensors.get('input_ids')!));
  assertClose(logits, tensors.get('logits')!, 1e-4, 1e-4, 'logits');
  assert.equal(model.training, false);
  assert.deepEqual(model.generationDefaults, { eosTokenId: 0 });
});

test('savePretrained writes Hugging Face\'s layout back; loading it again gives the same model', { skip }, async () => {
  const model = await GPT.fromPretrained(fixture());
  const out = path.join(tmp, 'saved');
  model.savePretrained(out);
  const names = (dir: string) => [...loadSafetensors(path.join(dir, 'model.safetensors')).tensors.keys()].sort();
  assert.deepEqual(names(out), names(fixture()));
  const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
  assert.equal(config.model_type, 'gpt2');
  assert.equal(config.n_embd, 16);
  assert.equal(config.activation_function, 'gelu_new');
  const again = await GPT.fromPretrained(out);
  assert.deepEqual(again.config, model.config);
  for (const [name, t] of model.stateDict()) assert.deepEqual(again.stateDict().get(name)!.dense(), t.dense(), name);
});

test('names without "transformer.", the attention buffers and a tied lm_head are accepted', { skip }, async () => {
  const dir = editedCheckpoint('bare', (t) => {
    for (const [k, v] of [...t]) {
      t.delete(k);
      t.set(k.replace(/^transformer\./, ''), v);
    }
    t.set('h.0.attn.bias', zeros([1, 1, 32, 32]));
    t.set('h.0.attn.masked_bias', zeros([]));
    t.set('lm_head.weight', t.get('wte.weight')!);
  });
  const a = await GPT.fromPretrained(dir);
  const b = await GPT.fromPretrained(fixture());
  assert.deepEqual(a.stateDict().get('transformer.h.1.mlp.c_fc.weight')!.dense(), b.stateDict().get('transformer.h.1.mlp.c_fc.weight')!.dense());
});

test('unknown architectures, missing and misshaped tensors are errors that name the problem', { skip }, async () => {
  const reject = (dir: string, code: string, pattern: RegExp) => rejectsWith(GPT.fromPretrained(dir), code, pattern);
  await reject(editedCheckpoint('llama', () => {}, { model_type: 'llama', architectures: ['LlamaForCausalLM'] }),
    'Unsupported', /model_type "llama" \(LlamaForCausalLM\) is not supported/);
  await reject(editedCheckpoint('missing', (t) => t.delete('transformer.h.1.attn.c_proj.bias')),
    'TensorNotFound', /missing tensor "transformer\.h\.1\.attn\.c_proj\.bias"/);
  await reject(editedCheckpoint('misshaped', (t) => t.set('transformer.h.0.mlp.c_fc.weight', zeros([64, 16]))),
    'ShapeMismatch', /"transformer\.h\.0\.mlp\.c_fc\.weight" has shape \[64, 16\], expected \[16, 64\]/);
  await reject(editedCheckpoint('activation', () => {}, { activation_function: 'relu' }), 'Unsupported', /activation_function "relu"/);
});

test('a model id is fetched from HF_ENDPOINT into the HF_HOME cache, with its tokenizer', { skip }, async () => {
  const files = new Map<string, Buffer>();
  for (const f of ['config.json', 'model.safetensors']) files.set(f, fs.readFileSync(path.join(fixture(), f)));
  for (const f of ['tokenizer.json', 'tokenizer_config.json']) files.set(f, fs.readFileSync(path.join(SHARED!, 'fixtures/tokenizers/gpt2', f)));
  await withFakeHub('lmkit/gpt2-tiny', files, path.join(tmp, 'hf-home'), async (requests) => {
    const model = await GPT.fromPretrained('lmkit/gpt2-tiny');
    assert.ok(model.tokenizer, 'the tokenizer was loaded');
    assert.ok(fs.existsSync(path.join(tmp, 'hf-home/hub/models--lmkit--gpt2-tiny')));
    const local = await GPT.fromPretrained(fixture());
    const ids = model.tokenizer!.encode('Hello').ids.filter((id) => id < 64);
    const prompt = ids.length > 0 ? ids : [5];
    assert.deepEqual(model.generate(prompt, { maxNewTokens: 5 }).tolist(), local.generate(prompt, { maxNewTokens: 5 }).tolist());
    // saved with its tokenizer, loadable without the network
    const out = path.join(tmp, 'with-tokenizer');
    model.savePretrained(out);
    assert.ok(fs.existsSync(path.join(out, 'tokenizer.json')));
    const count = requests.length;
    const cached = await GPT.fromPretrained('lmkit/gpt2-tiny');
    assert.equal(requests.length, count, 'the second load is served from the cache');
    assert.ok(cached.tokenizer);
  });
});
