import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Embedding } from '../nn/embedding.js';
import { Linear } from '../nn/linear.js';
import { assertClose } from '../testing/assert.js';
import { rand, randint, randn } from './create.js';
import { defaultGenerator, Generator, manualSeed } from './random.js';

// Expected values were printed by PyTorch 1.13 (CPU) after torch.manual_seed with the same seed.

test('uniforms and integers are PyTorch\'s, bit for bit', () => {
  manualSeed(1337);
  assert.deepEqual(Array.from(rand([5]).data), [0.07831710577011108, 0.49561673402786255, 0.6230981349945068, 0.4224381446838379, 0.2003883719444275]);
  manualSeed(1337);
  assert.deepEqual(Array.from(randint(0, 1003790, [12]).data),
    [138825, 368537, 972872, 611890, 34195, 709583, 303665, 356460, 483164, 170560, 73992, 506050]);
  manualSeed(7);
  assert.deepEqual(Array.from(rand([5], { dtype: 'float64' }).data),
    [0.279380429906404, 0.27369371365176565, 0.8620929614176255, 0.6566884305882014, 0.9225293674529872]);
  manualSeed(2 ** 40 + 5); // only the low 32 bits seed the twister
  assert.deepEqual(Array.from(rand([3]).data), [0.8302518725395203, 0.12611091136932373, 0.9074696898460388]);
  const g = new Generator(3);
  const u = new Float32Array(4);
  g.fillUniform(u, 0, 4, -2, 5);
  assert.deepEqual(Array.from(u), [-1.9701553583145142, -1.261014461517334, 0.0008973479270935059, -1.8113162517547607]);
  g.manualSeed(3);
  assert.deepEqual([0, 1, 2].map(() => g.randint(0, 2 ** 40)), [455570294424, 1073054410371, 790795084744]);
});

test('normals follow PyTorch: Box-Muller 16 at a time, the scalar sampler and its cache below 16', () => {
  manualSeed(1337);
  assertClose(randn([37]), [0.1807715892791748, -0.06998809427022934, -0.3596234917640686, -0.9152044653892517, 0.625765323638916,
    0.025509923696517944, 0.954513669013977, 0.06434852629899979, 0.3611505627632141, 1.1678781509399414, -1.3498932123184204,
    -0.5101767182350159, 0.23595769703388214, -0.23977836966514587, -0.9211146831512451, 1.5432970523834229, 1.3488258123397827,
    -0.139641672372818, 0.28579723834991455, 0.9651204943656921, -2.0371499061584473, 1.1340187788009644, -1.1538976430892944,
    -0.2983968257904053, 1.1489996910095215, 0.18123367428779602, -0.09199584275484085, 1.5827659368515015, 0.1526394784450531,
    0.5718198418617249, -0.5973544716835022, -0.693675696849823, -0.7296232581138611, -1.5579986572265625, -0.3949991762638092,
    0.6111544966697693, -1.7096585035324097], 1e-6, 1e-6);
  manualSeed(1337);
  const a = randn([3]);
  const b = randn([2]);
  assert.deepEqual([...a.data, ...b.data].map((v) => Math.fround(v)),
    [-2.0259921550750732, -2.0655088424682617, -1.2053627967834473, -0.9122241139411926, -1.250221848487854]);
  const g = new Generator(11);
  const out = new Float32Array(20);
  g.fillNormal(out, 0, 20, 1.5, 0.02);
  assertClose(Array.from(out), [1.4897840023040771, 1.520565390586853, 1.4929369688034058, 1.5024598836898804, 1.4969074726104736,
    1.4780712127685547, 1.5273319482803345, 1.5137856006622314, 1.5014888048171997, 1.4963140487670898, 1.5159207582473755,
    1.5191847085952759, 1.5403507947921753, 1.4766274690628052, 1.4735161066055298, 1.5225348472595215, 1.5382254123687744,
    1.505958080291748, 1.485917568206787, 1.5099660158157349], 1e-6, 0);
});

test('modules draw PyTorch\'s initial weights for the same seed', () => {
  manualSeed(7);
  const linear = new Linear(3, 2);
  assert.deepEqual(Array.from(linear.weight.data), [0.04032507538795471, -0.3477921187877655, 0.18384182453155518,
    0.1811612844467163, -0.3085803687572479, -0.0865316316485405]);
  assert.deepEqual(Array.from(linear.bias!.data), [-0.33822792768478394, 0.1498066484928131]);
  manualSeed(0);
  assertClose(new Embedding(3, 6).weight, [-1.1258398294448853, -1.152360200881958, 0.5666506290435791, 0.7935083508491516,
    0.5988394618034363, -1.5550950765609741, -0.3413603901863098, 1.85300612449646, 0.46809640526771545, -0.1577124446630478,
    -0.1733967512845993, 0.18347793817520142, 1.3893661499023438, 1.586334228515625, 0.946298360824585, -0.843676745891571,
    0.9318265914916992, 1.2590092420578003], 1e-6, 1e-6);
});

test('discard skips words; getState/setState resume the exact stream, spare normal included', () => {
  const g = new Generator(5);
  g.discard(1000);
  assert.deepEqual(Array.from(rand([3], { generator: g }).data), [0.5838342905044556, 0.3080204725265503, 0.2638046145439148]);
  g.normal();
  const saved = g.getState();
  const expected = [g.normal(), g.random(), g.randint(0, 10)];
  const h = new Generator(99);
  h.setState(JSON.parse(JSON.stringify(saved)));
  assert.deepEqual([h.normal(), h.random(), h.randint(0, 10)], expected);
  assert.throws(() => h.setState({ mt: [1, 2], index: 0, spareNormal: null }), /624 words/);
  assert.equal(defaultGenerator instanceof Generator, true);
});
