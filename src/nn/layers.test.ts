import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gradcheck, randn, reshape, tensor } from '../index.js';
import { Generator } from '../tensor/random.js';
import { assertClose } from '../testing/assert.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { LayerNorm } from './layer-norm.js';
import { Linear } from './linear.js';
import { CrossEntropyLoss, MSELoss, NLLLoss } from './loss.js';

const f64 = { dtype: 'float64' as const };

test('Linear computes x Aᵀ + b over the last dimension, for any leading shape', () => {
  const m = new Linear(2, 3);
  m.weight.data.set([1, 2, 3, 4, 5, 6]);
  m.bias!.data.set([0.5, -0.5, 1]);
  assertClose(m.forward(tensor([[1, 1], [2, -1]])), [3.5, 6.5, 12, 0.5, 1.5, 5]);
  const y = m.forward(tensor([[[1, 1]], [[2, -1]]]));
  assert.deepEqual(y.shape, [2, 1, 3]);
  assertClose(reshape(y, [-1]), [3.5, 6.5, 12, 0.5, 1.5, 5]);
  assert.deepEqual(new Linear(2, 3, { bias: false }).namedParameters().map(([n]) => n), ['weight']);
});

test('Linear gradients pass gradcheck', () => {
  const g = new Generator(0);
  const m = new Linear(3, 2, { dtype: 'float64', generator: g });
  const x = randn([2, 4, 3], { ...f64, generator: g, requiresGrad: true });
  gradcheck((xi) => m.forward(xi), [x, m.weight, m.bias!]);
});

test('Embedding looks rows up; the padding row gets no gradient', () => {
  const e = new Embedding(4, 2, { paddingIdx: 0 });
  e.weight.data.set([0, 0, 1, 2, 3, 4, 5, 6]);
  const ids = tensor([[1, 0], [3, 1]], { dtype: 'int32' });
  const y = e.forward(ids);
  assert.deepEqual(y.shape, [2, 2, 2]);
  assertClose(reshape(y, [-1]), [1, 2, 0, 0, 5, 6, 1, 2]);
  y.sum().backward();
  assertClose(e.weight.grad!, [0, 0, 2, 2, 0, 0, 1, 1]);
  assert.equal(e.extraRepr(), '4, 2, padding_idx=0');
  const frozen = Embedding.fromPretrained(tensor([[1, 2], [3, 4]]));
  assertClose(frozen.forward(tensor([1], { dtype: 'int32' })), [3, 4]);
  assert.equal(frozen.weight.requiresGrad, false);
  assert.equal(Embedding.fromPretrained(tensor([[1, 2]]), { freeze: false }).requiresGrad_(false).weight.requiresGrad, false);
});

test('LayerNorm normalizes the last dims with γ = 1, β = 0 at start; gradients pass gradcheck', () => {
  const ln = new LayerNorm(4);
  const y = ln.forward(tensor([[1, 2, 3, 4]]));
  const s = Math.sqrt(1.25 + 1e-5);
  assertClose(y, [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s], 1e-6, 1e-6);
  const g = new Generator(1);
  const ln2 = new LayerNorm([2, 3], { dtype: 'float64' });
  ln2.weight!.data.set([1, 2, 3, 4, 5, 6]);
  ln2.bias!.data.set([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
  const x = randn([3, 2, 3], { ...f64, generator: g, requiresGrad: true });
  gradcheck((xi) => ln2.forward(xi), [x, ln2.weight!, ln2.bias!]);
  assert.equal(new LayerNorm(8, { elementwiseAffine: false }).parameters().length, 0);
});

test('Dropout scales kept elements by 1/(1-p) in training and is the identity in eval', () => {
  const d = new Dropout(0.5, new Generator(3));
  const x = tensor(new Array(1000).fill(1));
  const y = d.forward(x);
  const values = new Set(Array.from(y.dense()));
  assert.deepEqual([...values].sort(), [0, 2]);
  const kept = Array.from(y.dense()).filter((v) => v === 2).length;
  assert.ok(kept > 400 && kept < 600, `kept ${kept} of 1000`);
  d.eval();
  assert.equal(d.forward(x), x);
  assert.throws(() => new Dropout(1.5), /p must be in \[0, 1\]/);
});

test('loss modules match their functions', () => {
  const logits = tensor([[2, 0, -1], [0.5, 0.5, 3]]);
  const target = tensor([0, 2], { dtype: 'int32' });
  const lse = (r: number[]) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
  const expected = ((lse([2, 0, -1]) - 2) + (lse([0.5, 0.5, 3]) - 3)) / 2;
  assertClose(new CrossEntropyLoss().forward(logits, target), [expected], 1e-6, 1e-6);
  assertClose(new CrossEntropyLoss({ reduction: 'sum' }).forward(logits, target), [2 * expected], 1e-5, 1e-6);
  assertClose(new NLLLoss().forward(tensor([[-1, -2], [-3, -4]]), tensor([1, 0], { dtype: 'int32' })), [2.5]);
  assertClose(new MSELoss().forward(tensor([1, 2, 3]), tensor([1, 0, 0])), [13 / 3], 1e-6, 1e-6);
  assert.equal(new CrossEntropyLoss({ ignoreIndex: 0 }).extraRepr(), 'ignoreIndex=0');
});
