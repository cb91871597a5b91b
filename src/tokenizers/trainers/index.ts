export { BpeTrainer, trainByteLevelBpe, type BpeTrainerOptions } from './bpe.js';
export { trainWordPiece, type WordPieceTrainerOptions } from './wordpiece.js';
export { trainCharTokenizer, type CharTrainerOptions } from './char.js';
export { trainWordTokenizer, type WordTrainerOptions } from './word.js';
export { countWords, type Corpus } from './corpus.js';
export { progressBar, type Progress } from './progress.js';
