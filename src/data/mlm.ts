/**
 * BERT's pre-training data (Devlin et al. 2019, §3.1): masked-LM batches (15% of the tokens selected;
 * of those 80% become [MASK], 10% a random token, 10% stay) and next-sentence pairs (50% the actual
 * next sentence, 50% a random one).
 */
import { fail } from '../errors.js';
import { tensor } from '../tensor/create.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Tokenizer } from '../tokenizers/tokenizer.js';
import { padSequences } from './collate.js';

export interface MaskingOptions {
  /** Random replacements are drawn from token ids [0, vocabSize). */
  vocabSize: number;
  maskTokenId: number;
  /** Ids never selected: [CLS], [SEP], [PAD], ... */
  specialTokenIds: Iterable<number>;
  /** Chance that a token is selected for prediction. Default 0.15. */
  mlmProbability?: number;
  /** Draws the selection (the global generator by default; pass a seeded one for reproducible batches). */
  generator?: Generator;
}

/** Inputs with masks applied, and the labels: the original token where selected, -100 elsewhere. */
export interface MaskedTokens {
  inputIds: Int32Array;
  labels: Int32Array;
}

/**
 * Masks `ids` for masked-LM training, as Hugging Face's DataCollatorForLanguageModeling: each token that
 * is not special is selected with probability `mlmProbability`; a selected token is replaced by the mask
 * token (80%), by a random token (10%) or kept (10%), and its label is the original token.
 */
export function maskTokens(ids: ArrayLike<number>, opts: MaskingOptions): MaskedTokens {
  const p = opts.mlmProbability ?? 0.15;
  if (!(p >= 0 && p <= 1)) fail('InvalidArgument', `maskTokens: mlmProbability must be in [0, 1], got ${p}`);
  const special = new Set(opts.specialTokenIds);
  const g = opts.generator ?? defaultGenerator;
  const inputIds = Int32Array.from(ids);
  const labels = new Int32Array(inputIds.length).fill(-100);
  for (let i = 0; i < inputIds.length; i++) {
    if (special.has(inputIds[i]) || g.random() >= p) continue;
    labels[i] = inputIds[i];
    const action = g.random();
    if (action < 0.8) inputIds[i] = opts.maskTokenId;
    else if (action < 0.9) inputIds[i] = g.randint(0, opts.vocabSize);
  }
  return { inputIds, labels };
}

/** The masking settings of a BERT tokenizer: its vocabulary size, [MASK] and its special tokens. */
export function maskingOptionsOf(tokenizer: Tokenizer, opts: { mlmProbability?: number; generator?: Generator; maskToken?: string } = {}): MaskingOptions {
  const maskToken = opts.maskToken ?? '[MASK]';
  const maskTokenId = tokenizer.tokenToId(maskToken);
  if (maskTokenId === undefined) fail('InvalidArgument', `maskingOptionsOf: the tokenizer has no mask token "${maskToken}"`);
  const specialTokenIds = tokenizer.addedVocabulary.tokens.filter((t) => t.special).map((t) => t.id);
  return { vocabSize: tokenizer.vocabSize, maskTokenId, specialTokenIds, mlmProbability: opts.mlmProbability, generator: opts.generator };
}

/** One pre-training input: token ids with their segments, and for NSP whether segment B follows A. */
export interface PretrainingExample {
  ids: ArrayLike<number>;
  /** 0 for sentence A, 1 for sentence B. Default all 0. */
  tokenTypeIds?: ArrayLike<number>;
  /** 0 = B is the next sentence, 1 = B is random. */
  nextSentenceLabel?: number;
}

/** A padded masked-LM batch: every tensor (B, T) int32 except nextSentenceLabel (B), present when every example has one. */
export interface MLMBatch {
  inputIds: Tensor;
  labels: Tensor;
  attentionMask: Tensor;
  tokenTypeIds: Tensor;
  nextSentenceLabel: Tensor | null;
}

/**
 * A collate function for masked-LM (and NSP) training: pads the examples on the right with `padId`,
 * masks them (see `maskTokens`; padding is never selected) and stacks the labels.
 */
export function mlmCollator(opts: MaskingOptions & { padId?: number }): (examples: PretrainingExample[]) => MLMBatch {
  const padId = opts.padId ?? 0;
  const masking = { ...opts, specialTokenIds: [...opts.specialTokenIds, padId] };
  return (examples) => {
    const { ids, mask } = padSequences(examples.map((e) => e.ids), { padId });
    const { inputIds, labels } = maskTokens(ids.dense(), masking);
    const shape = ids.shape;
    const types = padSequences(examples.map((e) => e.tokenTypeIds ?? new Int32Array(e.ids.length)), { padId: 0 }).ids;
    const nsp = examples.every((e) => e.nextSentenceLabel !== undefined) ? tensor(examples.map((e) => e.nextSentenceLabel!), { dtype: 'int32' }) : null;
    return {
      inputIds: tensor(inputIds, { shape }), labels: tensor(labels, { shape }), attentionMask: mask, tokenTypeIds: types, nextSentenceLabel: nsp,
    };
  };
}

/** Two sentences and whether the second follows the first (0) or is random (1). */
export interface SentencePair {
  first: string;
  second: string;
  nextSentenceLabel: 0 | 1;
}

/**
 * Next-sentence prediction pairs from documents (each a list of sentences in order): for every sentence
 * that has a successor, with probability 1/2 the pair is (sentence, its successor), label 0; otherwise
 * (sentence, a random sentence of another document — of any other place in the same one when there is
 * only one document), label 1.
 */
export function nextSentencePairs(documents: string[][], opts: { generator?: Generator } = {}): SentencePair[] {
  const g = opts.generator ?? defaultGenerator;
  const all = documents.flatMap((doc, d) => doc.map((sentence, i) => ({ sentence, d, i })));
  const pairs: SentencePair[] = [];
  documents.forEach((doc, d) => {
    for (let i = 0; i + 1 < doc.length; i++) {
      if (g.random() < 0.5) {
        pairs.push({ first: doc[i], second: doc[i + 1], nextSentenceLabel: 0 });
        continue;
      }
      const others = all.filter((s) => (documents.length > 1 ? s.d !== d : s.i !== i + 1));
      if (others.length === 0) fail('InvalidArgument', 'nextSentencePairs: no sentence to draw a random second sentence from');
      pairs.push({ first: doc[i], second: others[g.randint(0, others.length)].sentence, nextSentenceLabel: 1 });
    }
  });
  return pairs;
}

/** Encodes sentence pairs as [CLS] A [SEP] B [SEP] with segment ids, cut to `maxLength` tokens. */
export function encodeSentencePairs(pairs: SentencePair[], tokenizer: Tokenizer, opts: { maxLength?: number } = {}): PretrainingExample[] {
  return pairs.map((p) => {
    const e = tokenizer.encode(p.first, p.second, opts.maxLength ? { truncation: { maxLength: opts.maxLength } } : {});
    return { ids: e.ids, tokenTypeIds: e.typeIds, nextSentenceLabel: p.nextSentenceLabel };
  });
}
