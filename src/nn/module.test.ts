import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LmkitError, randn, tensor, type Tensor, zeros } from '../index.js';
import { Generator } from '../tensor/random.js';
import { assertClose } from '../testing/assert.js';
import { ReLU } from './activation.js';
import { ModuleDict, ModuleList, Sequential } from './containers.js';
import { Embedding } from './embedding.js';
import { Linear } from './linear.js';
import { deepCopyModule, Module } from './module.js';
import { Parameter } from './parameter.js';

/** A model written the plain way: fields in declaration order, no explicit registration. */
class Net extends Module<[Tensor], Tensor> {
  scale = new Parameter(zeros([1]));
  fc = new Linear(3, 4);
  blocks = new ModuleList([new Linear(4, 4), new Linear(4, 2)]);

  constructor() {
    super();
    this.registerBuffer('steps', zeros([1]));
    this.registerBuffer('scratch', zeros([2]), false);
  }

  override forward(x: Tensor): Tensor {
    let h = this.fc.forward(x);
    for (const b of this.blocks) h = b.forward(h);
    return h.add(this.scale);
  }
}

test('fields are discovered in declaration order under PyTorch dotted names', () => {
  const m = new Net();
  assert.deepEqual(m.namedParameters().map(([n]) => n), [
    'scale', 'fc.weight', 'fc.bias', 'blocks.0.weight', 'blocks.0.bias', 'blocks.1.weight', 'blocks.1.bias',
  ]);
  assert.deepEqual([...m.stateDict().keys()], [
    'scale', 'steps', 'fc.weight', 'fc.bias', 'blocks.0.weight', 'blocks.0.bias', 'blocks.1.weight', 'blocks.1.bias',
  ]);
  assert.deepEqual(m.namedModules().map(([n]) => n), ['', 'fc', 'blocks', 'blocks.0', 'blocks.1']);
  assert.equal(m.children().length, 2);
  assert.equal(m.numParameters(), 1 + 16 + 20 + 10);
});

test('stateDict round trip copies values into another instance', () => {
  const a = new Net();
  const b = new Net();
  a.fc.weight.data.fill(0.25);
  b.loadStateDict(a.stateDict());
  for (const [k, t] of a.stateDict()) assertClose(b.stateDict().get(k)!, t, 0, 0, k);
  // Another dtype is converted on the way in.
  const c = new Net();
  c.loadStateDict(new Map([...a.stateDict()].map(([k, t]) => [k, t.double()])));
  assertClose(c.fc.weight, a.fc.weight, 0, 0);
  assert.equal(c.fc.weight.dtype, 'float32');
  // Loading copies: the tensors stay distinct.
  assert.notEqual(b.fc.weight.data, a.fc.weight.data);
  const x = randn([2, 3]);
  assertClose(b.forward(x), a.forward(x), 0, 0);
});

test('loadStateDict lists missing keys, unexpected keys and shape differences', () => {
  const m = new Net();
  const sd = m.stateDict();
  sd.delete('fc.bias');
  sd.set('extra.weight', zeros([1]));
  sd.set('blocks.1.weight', zeros([3, 3]));
  assert.throws(() => m.loadStateDict(sd), (e: unknown) => {
    assert.ok(e instanceof LmkitError);
    assert.equal(e.code, 'StateDictMismatch');
    assert.match(e.message, /missing keys: fc\.bias/);
    assert.match(e.message, /unexpected keys: extra\.weight/);
    assert.match(e.message, /blocks\.1\.weight: expected shape \[2, 4\], got \[3, 3\]/);
    return true;
  });
  sd.set('blocks.1.weight', zeros([2, 4]));
  const r = m.loadStateDict(sd, { strict: false });
  assert.deepEqual(r, { missingKeys: ['fc.bias'], unexpectedKeys: ['extra.weight'] });
  assertClose(m.blocks.at(1).stateDict().get('weight')!, new Array(8).fill(0));
});

test('train/eval, zeroGrad and apply reach the whole tree', () => {
  const m = new Net();
  m.eval();
  assert.ok(m.modules().every((x) => !x.training));
  m.train();
  assert.ok(m.modules().every((x) => x.training));
  m.forward(randn([2, 3])).sum().backward();
  assert.ok(m.parameters().every((p) => p.grad !== null));
  m.zeroGrad();
  assert.ok(m.parameters().every((p) => p.grad === null));
  const visited: string[] = [];
  m.apply((x) => visited.push(x.constructor.name));
  assert.deepEqual(visited, ['Linear', 'Linear', 'Linear', 'ModuleList', 'Net']);
});

test('toString prints the tree like PyTorch, with the parameter count', () => {
  const s = new Sequential(new Linear(3, 5), new ReLU(), new Linear(5, 1, { bias: false }));
  assert.equal(s.toString(), [
    'Sequential(',
    '  (0): Linear(in_features=3, out_features=5, bias=True)',
    '  (1): ReLU()',
    '  (2): Linear(in_features=5, out_features=1, bias=False)',
    ')',
    '(25 parameters)',
  ].join('\n'));
});

test('Sequential chains, ModuleDict names its children by key', () => {
  const s = new Sequential(new Linear(2, 2), new ReLU());
  const lin = s.at(0) as Linear;
  lin.weight.data.set([1, 0, 0, -1]);
  lin.bias!.data.set([0, 0]);
  assertClose(s.forward(tensor([[3, 4]])), [3, 0]);
  const d = new ModuleDict({ enc: new Linear(2, 3), dec: new Linear(3, 2) });
  assert.deepEqual([...d.stateDict().keys()], ['enc.weight', 'enc.bias', 'dec.weight', 'dec.bias']);
  assert.equal(d.get('dec').outFeatures, 2);
  assert.throws(() => d.get('nope'), /no module under key "nope"/);
});

test('a parameter shared by two modules is listed once', () => {
  class Tied extends Module {
    emb = new Embedding(5, 3);
    head = new Linear(3, 5, { bias: false });
    constructor() {
      super();
      this.head.registerParameter('weight', this.emb.weight);
    }
  }
  const m = new Tied();
  assert.deepEqual(m.namedParameters().map(([n]) => n), ['emb.weight']);
  assert.deepEqual([...m.stateDict().keys()], ['emb.weight', 'head.weight']);
});

test('deepCopyModule copies storage and structure; to("float64") converts in place', () => {
  const a = new Net();
  const b = deepCopyModule(a);
  assert.deepEqual([...b.stateDict().keys()], [...a.stateDict().keys()]);
  assertClose(b.fc.weight, a.fc.weight, 0, 0);
  b.fc.weight.data.fill(1);
  assert.notEqual(a.fc.weight.data[0], 1);
  const p = a.fc.weight;
  a.double();
  assert.equal(a.fc.weight, p);
  assert.equal(p.dtype, 'float64');
  assert.equal(a.forward(randn([1, 3], { dtype: 'float64' })).dtype, 'float64');
});

test('default initializations follow PyTorch', () => {
  const g = new Generator(0);
  const lin = new Linear(16, 8, { generator: g });
  for (const v of lin.weight.data) assert.ok(Math.abs(v) <= 0.25);
  for (const v of lin.bias!.data) assert.ok(Math.abs(v) <= 0.25);
  const e = new Embedding(10, 4, { paddingIdx: -1, generator: g });
  assert.equal(e.paddingIdx, 9);
  assert.deepEqual(Array.from(e.weight.data.subarray(36)), [0, 0, 0, 0]);
  assert.ok(Array.from(e.weight.data).some((v) => Math.abs(v) > 1)); // N(0, 1), not U(-1, 1)
});
