/** Task pipelines over the models: text in, readable predictions out. */
export { fillMask, maskTokenOf, topTokens, type FillMaskOptions, type FillMaskPrediction } from './fill-mask.js';
export { sourceIds, summarize, translate, type Seq2SeqTokenizers, type TranslationModel, type TranslationOptions } from './translation.js';
export { rescoreNBest, scoreSentences, type NBestHypothesis, type RescoredHypothesis, type RescoreOptions, type ScoreOptions, type SentenceScore, type TextToIds } from './lm-scoring.js';
