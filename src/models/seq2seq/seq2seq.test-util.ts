import '../../autograd/index.js';
import { tensor } from '../../tensor/create.js';
import { Generator, manualSeed } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { AdamW } from '../../optim/adam.js';
import { Seq2SeqTransformer } from './model.js';

/** Ids of the digit tasks: 0 pad, 1 BOS, 2 EOS, digits 0-9 are ids 3-12. */
export const DIGIT_VOCAB = 13;

/** `count` random digit sequences of 3 to 6 digits (as ids 3-12). */
export function digitSequences(count: number, gen: Generator): number[][] {
  return Array.from({ length: count }, () => Array.from({ length: 3 + Math.floor(gen.random() * 4) }, () => 3 + Math.floor(gen.random() * 10)));
}

/** src (source + EOS), tgtIn (BOS + target), tgtOut (target + EOS), right-padded with 0. */
export function pairBatch(pairs: [number[], number[]][]): { src: Tensor; tgtIn: Tensor; tgtOut: Tensor } {
  const S = Math.max(...pairs.map(([s]) => s.length)) + 1;
  const T = Math.max(...pairs.map(([, t]) => t.length)) + 1;
  const src = new Int32Array(pairs.length * S);
  const tgtIn = new Int32Array(pairs.length * T);
  const tgtOut = new Int32Array(pairs.length * T);
  pairs.forEach(([s, t], b) => {
    src.set([...s, 2], b * S);
    tgtIn.set([1, ...t], b * T);
    tgtOut.set([...t, 2], b * T);
  });
  return { src: tensor(src, { shape: [pairs.length, S] }), tgtIn: tensor(tgtIn, { shape: [pairs.length, T] }), tgtOut: tensor(tgtOut, { shape: [pairs.length, T] }) };
}

/**
 * A tiny Seq2SeqTransformer trained (deterministically) to reverse digit sequences. 900 steps: every seed
 * tried then reverses all test sequences greedily, where after 600 some seeds got 83% of them.
 */
export function trainReverser(steps = 900, seed = 0): Seq2SeqTransformer {
  manualSeed(seed);
  const model = new Seq2SeqTransformer({
    srcVocabSize: DIGIT_VOCAB, tgtVocabSize: DIGIT_VOCAB, dModel: 32, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1,
    dimFeedforward: 64, dropout: 0, maxPositions: 32,
  });
  const opt = new AdamW(model.parameters(), { lr: 5e-3, weightDecay: 0 });
  const gen = new Generator(seed + 1);
  for (let step = 0; step < steps; step++) {
    const { src, tgtIn, tgtOut } = pairBatch(digitSequences(32, gen).map((s) => [s, [...s].reverse()]));
    opt.zeroGrad();
    model.loss(src, tgtIn, tgtOut, 0).backward();
    opt.step();
  }
  model.eval();
  return model;
}
