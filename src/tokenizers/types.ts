import type { Encoding } from './encoding.js';
import type { NormalizedString } from './normalized_string.js';
import type { Piece } from './piece.js';

/** One token found by a model inside a word; offsets are units of the word's text. */
export interface Token {
  id: number;
  value: string;
  start: number;
  end: number;
}

/** Stage 1: rewrites text (lower-casing, accents, Unicode forms) while keeping alignments. */
export interface Normalizer {
  readonly type: string;
  normalize(s: NormalizedString): void;
  toJSON(): object;
}

/** Stage 2: splits normalized text into words (pieces); may rewrite them (ByteLevel). */
export interface PreTokenizer {
  readonly type: string;
  preTokenize(pieces: Piece[]): Piece[];
  toJSON(): object;
}

/** Stage 3: maps a word to vocabulary tokens. */
export interface Model {
  readonly type: string;
  tokenize(word: string): Token[];
  /** Only the ids of `tokenize(word)` (models may answer faster). */
  tokenizeIds?(word: string): ArrayLike<number>;
  tokenToId(token: string): number | undefined;
  idToToken(id: number): string | undefined;
  readonly vocabSize: number;
  /** Tokens in id order (holes are undefined). */
  vocabList(): (string | undefined)[];
  toJSON(): object;
}

/** Stage 4: adds special tokens around one or two sequences (and may fix offsets). */
export interface PostProcessor {
  readonly type: string;
  /** How many tokens `process` adds for one sequence or a pair. */
  addedTokens(isPair: boolean): number;
  process(a: Encoding, b: Encoding | null, addSpecialTokens: boolean): Encoding;
  toJSON(): object;
}

/** Stage 5: turns tokens back into text pieces that are concatenated. */
export interface Decoder {
  readonly type: string;
  decodeChain(tokens: string[]): string[];
  toJSON(): object;
}
