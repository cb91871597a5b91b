import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noGrad } from '../../autograd/graph.js';
import { encodeSentencePairs, maskingOptionsOf, type MLMBatch, mlmCollator, nextSentencePairs } from '../../data/mlm.js';
import { AdamW } from '../../optim/adam.js';
import { Generator } from '../../tensor/random.js';
import { Trainer } from '../../train/trainer.js';
import { tinyBertTokenizer } from '../../testing/tiny-bert-tokenizer.js';
import { BertForPreTraining } from './pretraining.js';

const DOCUMENTS = [
  ['the old man sat in the park', 'a small bird sat on the tree', 'the man saw the bird', 'the bird ate the food', 'the man walked home'],
  ['the child read a book', 'the book was about a big red fish', 'the fish ate the small fish', 'the child found the book good'],
  ['the sun was happy and the moon was sad', 'the moon saw a star', 'the star ran over the hill', 'the sun and the moon found the star'],
  ['a dog ran to the river', 'the dog drank the water', 'the dog jumped in the river', 'a woman saw the dog', 'the woman and the dog walked home'],
];

test('a tiny BERT trained by the Trainer for 50 steps on a small text lowers its masked-LM loss (MLM + NSP objective)', async () => {
  const tok = tinyBertTokenizer();
  const examples = encodeSentencePairs(nextSentencePairs(DOCUMENTS, { generator: new Generator(1) }), tok);
  const collate = mlmCollator({ ...maskingOptionsOf(tok, { generator: new Generator(2) }), padId: 0 });
  const held = mlmCollator({ ...maskingOptionsOf(tok, { generator: new Generator(99), mlmProbability: 0.3 }), padId: 0 })(examples);
  const model = new BertForPreTraining({
    vocabSize: tok.vocabSize, hiddenSize: 32, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 64, maxPositionEmbeddings: 32,
  }, { generator: new Generator(3) });
  const heldLoss = () => noGrad(() => model.eval().loss(held.inputIds, { ...held, nextSentenceLabel: null }).mlmLoss!.item());
  const before = heldLoss();
  const trainer = new Trainer<BertForPreTraining, MLMBatch>({
    optimizer: (m) => new AdamW(m.parameters(), { lr: 5e-3, weightDecay: 0.01 }),
    lossFn: (m, batch) => m.loss(batch.inputIds, batch).loss,
    maxSteps: 50, seed: 0, evalAtEnd: false, progress: 'none',
  });
  const losses = (await trainer.fit(model, { nextBatch: () => collate(examples) })).map((m) => m.train_loss);
  const after = heldLoss();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  assert.equal(losses.length, 50);
  assert.ok(Math.abs(before - Math.log(tok.vocabSize)) < 0.5, `an untrained model is near uniform: ${before}`);
  assert.ok(after < before - 1, `held-out masked-LM loss ${before.toFixed(3)} → ${after.toFixed(3)}`);
  assert.ok(mean(losses.slice(-5)) < mean(losses.slice(0, 5)) - 1, `training loss ${mean(losses.slice(0, 5)).toFixed(3)} → ${mean(losses.slice(-5)).toFixed(3)}`);
});
