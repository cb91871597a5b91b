import { add, crossEntropy, reshape } from '../../autograd/ops/index.js';
import { privateIntermediates } from '../../autograd/private-intermediates.js';
import { fail } from '../../errors.js';
import { skipInit } from '../../nn/init.js';
import { Module } from '../../nn/module.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { Tokenizer } from '../../tokenizers/tokenizer.js';
import { type BertConfig, resolveBertConfig } from './config.js';
import { BertOnlyMLMHead, BertPreTrainingHeads } from './heads.js';
import { type BertInputs, BertModel, type BertOptions, initBertWeights } from './model.js';
import { type BertFromPretrainedOptions, loadPretrainedBert, savePretrainedBert } from './pretrained.js';

/** A model with a masked-LM head: what fill-mask needs. */
export interface MaskedLanguageModel {
  readonly config: BertConfig;
  /** The checkpoint's tokenizer, when it came with one. */
  tokenizer: Tokenizer | null;
  /** Token scores (B, T, V) at every position. */
  maskedLMLogits(ids: Tensor, inputs?: BertInputs): Tensor;
}

/** Mean cross-entropy of MLM logits (B, T, V) against labels (B, T); label -100 (not masked) is skipped. */
export function maskedLMLoss(logits: Tensor, labels: Tensor): Tensor {
  if (labels.size * logits.shape[2] !== logits.size) {
    fail('ShapeMismatch', `BERT: expected labels of shape [${logits.shape.slice(0, 2).join(', ')}], got [${labels.shape.join(', ')}]`);
  }
  return crossEntropy(reshape(logits, [-1, logits.shape[2]]), reshape(labels, [-1]), { ignoreIndex: -100 });
}

export interface BertPreTrainingOutput {
  /** (B, T, V) masked-LM scores (Hugging Face's prediction_logits). */
  mlmLogits: Tensor;
  /** (B, 2) next-sentence scores (Hugging Face's seq_relationship_logits). */
  nspLogits: Tensor;
  lastHiddenState: Tensor;
  pooledOutput: Tensor;
}

export interface BertPreTrainingLabels extends BertInputs {
  /** (B, T) the original token at masked positions, -100 elsewhere. */
  labels?: Tensor | null;
  /** (B) 0 = sentence B follows A, 1 = B is a random sentence. */
  nextSentenceLabel?: Tensor | null;
}

export interface BertPreTrainingLoss extends BertPreTrainingOutput {
  /** The sum of the losses given labels for (mlmLoss + nspLoss, as Hugging Face). */
  loss: Tensor;
  mlmLoss: Tensor | null;
  nspLoss: Tensor | null;
}

/**
 * BERT with both pre-training heads (Devlin et al. 2019, §3.1): the masked-LM head over every position
 * and the next-sentence classifier over the pooled [CLS] vector. Parameters under Hugging Face's
 * names: `bert.*` (BertModel), `cls.predictions.transform.*`, `cls.predictions.bias`,
 * `cls.seq_relationship.*`; the MLM decoder is tied to `bert.embeddings.word_embeddings.weight`.
 *
 * Shapes: ids (B, T) → mlmLogits (B, T, V), nspLogits (B, 2).
 */
export class BertForPreTraining extends Module implements MaskedLanguageModel {
  readonly config: BertConfig;
  readonly bert: BertModel;
  readonly cls: BertPreTrainingHeads;
  tokenizer: Tokenizer | null = null;

  constructor(config: Partial<BertConfig> = {}, opts: BertOptions = {}) {
    super();
    this.config = resolveBertConfig(config);
    this.bert = this.registerModule('bert', new BertModel(this.config, opts));
    this.cls = this.registerModule('cls', skipInit(() => new BertPreTrainingHeads(this.config)));
    if (opts.init ?? true) initBertWeights(this.cls, this.config, opts.generator);
  }

  /**
   * A Hugging Face BERT checkpoint with both heads (a folder with config.json, model.safetensors and
   * optionally tokenizer files, or a hub id such as "bert-base-uncased"), in eval mode.
   */
  static fromPretrained(dirOrId: string, opts: BertFromPretrainedOptions = {}): Promise<BertForPreTraining> {
    return loadPretrainedBert('BertForPreTraining', (c) => new BertForPreTraining(c, { init: false }), dirOrId, opts);
  }

  /** Writes config.json, model.safetensors (Hugging Face's names) and the tokenizer files into `dir`. */
  savePretrained(dir: string): void {
    savePretrainedBert(this, 'BertForPreTraining', dir);
  }

  override forward(ids: Tensor, inputs: BertInputs = {}): BertPreTrainingOutput {
    const { lastHiddenState, pooledOutput } = this.bert.forward(ids, inputs);
    const mlmLogits = this.cls.predictions.forward(lastHiddenState, this.bert.embeddings.wordEmbeddings.weight);
    const nspLogits = this.cls.seqRelationship.forward(pooledOutput!);
    return { mlmLogits, nspLogits, lastHiddenState, pooledOutput: pooledOutput! };
  }

  maskedLMLogits(ids: Tensor, inputs: BertInputs = {}): Tensor {
    return this.forward(ids, inputs).mlmLogits;
  }

  /** The pre-training loss: MLM cross-entropy (labels -100 skipped) + NSP cross-entropy, over the labels given. */
  loss(ids: Tensor, labels: BertPreTrainingLabels): BertPreTrainingLoss {
    return privateIntermediates(() => this.lossOf(ids, labels));
  }

  private lossOf(ids: Tensor, labels: BertPreTrainingLabels): BertPreTrainingLoss {
    const out = this.forward(ids, labels);
    const mlmLoss = labels.labels ? maskedLMLoss(out.mlmLogits, labels.labels) : null;
    const nspLoss = labels.nextSentenceLabel ? crossEntropy(out.nspLogits, reshape(labels.nextSentenceLabel, [-1])) : null;
    if (!mlmLoss && !nspLoss) fail('InvalidArgument', 'BertForPreTraining.loss: give labels, nextSentenceLabel or both');
    const loss = mlmLoss && nspLoss ? add(mlmLoss, nspLoss) : (mlmLoss ?? nspLoss)!;
    return { ...out, loss, mlmLoss, nspLoss };
  }
}

/**
 * BERT with the masked-LM head only (Hugging Face's BertForMaskedLM: no pooler). Loads BertForMaskedLM
 * and BertForPreTraining checkpoints (the latter's pooler and next-sentence head are not used).
 *
 * Shapes: ids (B, T) → logits (B, T, V).
 */
export class BertForMaskedLM extends Module implements MaskedLanguageModel {
  readonly config: BertConfig;
  readonly bert: BertModel;
  readonly cls: BertOnlyMLMHead;
  tokenizer: Tokenizer | null = null;

  constructor(config: Partial<BertConfig> = {}, opts: BertOptions = {}) {
    super();
    this.config = resolveBertConfig(config);
    this.bert = this.registerModule('bert', new BertModel(this.config, { ...opts, addPoolingLayer: false }));
    this.cls = this.registerModule('cls', skipInit(() => new BertOnlyMLMHead(this.config)));
    if (opts.init ?? true) initBertWeights(this.cls, this.config, opts.generator);
  }

  /** A Hugging Face BERT checkpoint (folder or hub id) with its masked-LM head, in eval mode. */
  static fromPretrained(dirOrId: string, opts: BertFromPretrainedOptions = {}): Promise<BertForMaskedLM> {
    return loadPretrainedBert('BertForMaskedLM', (c) => new BertForMaskedLM(c, { init: false }), dirOrId, opts);
  }

  savePretrained(dir: string): void {
    savePretrainedBert(this, 'BertForMaskedLM', dir);
  }

  override forward(ids: Tensor, inputs: BertInputs = {}): Tensor {
    const { lastHiddenState } = this.bert.forward(ids, inputs);
    return this.cls.predictions.forward(lastHiddenState, this.bert.embeddings.wordEmbeddings.weight);
  }

  maskedLMLogits(ids: Tensor, inputs: BertInputs = {}): Tensor {
    return this.forward(ids, inputs);
  }

  /** Mean MLM cross-entropy against labels (B, T), skipping -100. */
  loss(ids: Tensor, labels: Tensor, inputs: BertInputs = {}): Tensor {
    return privateIntermediates(() => maskedLMLoss(this.forward(ids, inputs), labels));
  }
}
