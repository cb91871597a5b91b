export { corpusBleu, sentenceBleu, computeBleu, type BleuOptions, type BleuResult, type BleuSmoothing } from './bleu.js';
export { corpusChrf, sentenceChrf, type ChrfOptions, type ChrfResult } from './chrf.js';
export { BLEU_TOKENIZERS, bleuTokenizer, tokenize13a, tokenizeIntl, tokenizeZh, tokenizeChar, type BleuTokenizerName } from './tokenizers.js';
