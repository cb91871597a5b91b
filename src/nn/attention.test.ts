import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cat, gradcheck, randn, reshape, tensor, type Tensor } from '../index.js';
import { Generator } from '../tensor/random.js';
import { assertClose } from '../testing/assert.js';
import { MultiheadAttention } from './multihead-attention.js';
import { Transformer } from './transformer.js';
import { TransformerDecoderLayer } from './transformer-decoder-layer.js';
import { TransformerEncoder } from './transformer-encoder.js';
import { TransformerEncoderLayer } from './transformer-encoder-layer.js';

const f64 = { dtype: 'float64' as const };
const flat = (...ts: (Tensor | null)[]) => cat(ts.filter((t): t is Tensor => t !== null).map((t) => reshape(t, [-1])));

test('MultiheadAttention: PyTorch names and inits; weights average over heads and rows sum to 1', () => {
  const m = new MultiheadAttention(8, 2, { batchFirst: true });
  assert.deepEqual([...m.stateDict().keys()], ['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']);
  assert.ok(Array.from(m.inProjBias!.data).every((v) => v === 0));
  assert.ok(Array.from(m.outProj.bias!.data).every((v) => v === 0));
  const x = randn([2, 5, 8]);
  const [out, w] = m.forward(x, x, x);
  assert.deepEqual(out.shape, [2, 5, 8]);
  assert.deepEqual(w!.shape, [2, 5, 5]);
  assertClose(w!.sum(-1), new Array(10).fill(1), 1e-6, 1e-6);
  const [, perHead] = m.forward(x, x, x, { averageAttnWeights: false });
  assert.deepEqual(perHead!.shape, [2, 2, 5, 5]);
});

test('MultiheadAttention masks: True is masked out; the fused and composed paths agree', () => {
  const m = new MultiheadAttention(4, 2, { dtype: 'float64', generator: new Generator(5) });
  const q = randn([3, 2, 4], f64); // (L, N, E), sequence first
  const kv = randn([4, 2, 4], f64);
  const attnMask = tensor([[false, true, false, true], [false, false, true, true], [true, false, false, false]]);
  const keyPaddingMask = tensor([[false, false, false, true], [false, false, false, false]]);
  const [a, w] = m.forward(q, kv, kv, { attnMask, keyPaddingMask });
  const [b, none] = m.forward(q, kv, kv, { attnMask, keyPaddingMask, needWeights: false });
  assert.equal(none, null);
  assertClose(a, b, 1e-12, 1e-12);
  const wd = w!.tolist() as number[][][];
  for (let n = 0; n < 2; n++) for (let i = 0; i < 3; i++) for (let j = 0; j < 4; j++) {
    const masked = (attnMask.tolist() as boolean[][])[i][j] || (keyPaddingMask.tolist() as boolean[][])[n][j];
    if (masked) assert.equal(wd[n][i][j], 0);
    else assert.ok(wd[n][i][j] > 0);
  }
  // A float mask of 0 / -inf is the same as the bool mask.
  const floatMask = tensor(attnMask.tolist() as boolean[][]).double().mul(-1e9);
  const [c] = m.forward(q, kv, kv, { attnMask: floatMask, keyPaddingMask });
  assertClose(c, a, 1e-9, 1e-9);
});

test('MultiheadAttention gradients pass gradcheck (query ≠ key, with a padding mask)', () => {
  const g = new Generator(6);
  const m = new MultiheadAttention(4, 2, { batchFirst: true, dtype: 'float64', generator: g });
  const q = randn([2, 3, 4], { ...f64, generator: g, requiresGrad: true });
  const kv = randn([2, 2, 4], { ...f64, generator: g, requiresGrad: true });
  const keyPaddingMask = tensor([[false, true], [false, false]]);
  gradcheck((qi, ki) => {
    const [o, w] = m.forward(qi, ki, ki, { keyPaddingMask });
    return flat(o, w);
  }, [q, kv, ...m.parameters()]);
});

test('TransformerEncoderLayer (pre- and post-norm) gradients pass gradcheck', () => {
  for (const normFirst of [false, true]) {
    const g = new Generator(7);
    const m = new TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, activation: 'gelu', batchFirst: true, normFirst, dtype: 'float64', generator: g });
    const x = randn([2, 3, 4], { ...f64, generator: g, requiresGrad: true });
    const srcMask = tensor([[false, true, true], [false, false, true], [false, false, false]]);
    gradcheck((xi) => m.forward(xi, { srcMask }), [x, ...m.parameters()]);
  }
});

test('TransformerDecoderLayer: PyTorch names; gradients pass gradcheck', () => {
  const g = new Generator(8);
  const m = new TransformerDecoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, dtype: 'float64', generator: g });
  assert.deepEqual(m.namedParameters().map(([n]) => n).filter((n) => !n.includes('attn')), [
    'linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias',
    'norm1.weight', 'norm1.bias', 'norm2.weight', 'norm2.bias', 'norm3.weight', 'norm3.bias',
  ]);
  const tgt = randn([3, 2, 4], { ...f64, generator: g, requiresGrad: true });
  const memory = randn([2, 2, 4], { ...f64, generator: g, requiresGrad: true });
  const tgtMask = Transformer.generateSquareSubsequentMask(3, 'float64');
  gradcheck((t, mem) => m.forward(t, mem, { tgtMask }), [tgt, memory, ...m.parameters()]);
});

test('TransformerEncoder stacks deep copies; Transformer has PyTorch names and a square subsequent mask', () => {
  const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 8 });
  const enc = new TransformerEncoder(layer, 2);
  const sd = enc.stateDict();
  assertClose(sd.get('layers.0.linear1.weight')!, sd.get('layers.1.linear1.weight')!, 0, 0);
  assert.notEqual(sd.get('layers.0.linear1.weight')!.data, sd.get('layers.1.linear1.weight')!.data);
  const t = new Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 8, dropout: 0 });
  const keys = [...t.stateDict().keys()];
  for (const k of ['encoder.layers.0.self_attn.in_proj_weight', 'encoder.norm.weight', 'decoder.layers.0.multihead_attn.out_proj.bias', 'decoder.norm.bias']) {
    assert.ok(keys.includes(k), k);
  }
  const out = t.forward(randn([5, 2, 4]), randn([3, 2, 4]), { tgtMask: Transformer.generateSquareSubsequentMask(3) });
  assert.deepEqual(out.shape, [3, 2, 4]);
  assert.deepEqual(Transformer.generateSquareSubsequentMask(2).tolist(), [[0, -Infinity], [0, 0]]);
});

test('MultiheadAttention self-attention through the packed kernels (masks, dropout) equals the split path', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    const tol = dtype === 'float32' ? 2e-5 : 1e-12;
    const make = () => {
      const m = new MultiheadAttention(8, 2, { dtype, batchFirst: true, dropout: 0.25, generator: new Generator(3), dropoutGenerator: new Generator(17) });
      m.train();
      return m;
    };
    const x0 = randn([3, 5, 8], { dtype });
    const keyPaddingMask = tensor([[false, false, false, true, true], [false, false, false, false, false], [false, true, false, false, false]]);
    for (const opts of [{ keyPaddingMask }, { isCausal: true, attnMask: tensor(Array.from({ length: 5 }, (_, i) => Array.from({ length: 5 }, (__, j) => j > i))) }, {}]) {
      const [packed, split] = [make(), make()];
      const xa = x0.clone().requiresGrad_();
      const xb = x0.clone().requiresGrad_();
      const [ya] = packed.forward(xa, xa, xa, { ...opts, needWeights: false });   // one projection, packed kernels
      const [yb] = split.forward(xb, xb.clone(), xb.clone(), { ...opts, needWeights: false }); // q, k, v apart
      const what = `${dtype} ${Object.keys(opts).join('+') || 'plain'}`;
      assertClose(ya, yb, tol, tol, what);
      const w = randn([3, 5, 8], { dtype });
      ya.mul(w).sum().backward();
      yb.mul(w).sum().backward();
      assertClose(xa.grad!, xb.grad!, tol, tol, `${what} grad x`);
      assertClose(packed.inProjWeight.grad!, split.inProjWeight.grad!, tol, tol, `${what} grad in_proj_weight`);
    }
  }
});
