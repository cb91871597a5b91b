import { ByteLevelDecoder } from './decoders/byte_level.js';
import { FuseDecoder } from './decoders/fuse.js';
import { WordPieceDecoder } from './decoders/wordpiece.js';
import type { BPE } from './models/bpe.js';
import type { CharLevel } from './models/char_level.js';
import type { WordLevel } from './models/word_level.js';
import type { WordPiece } from './models/wordpiece.js';
import { BertNormalizer } from './normalizers/bert.js';
import { BertPreTokenizer } from './pre_tokenizers/bert.js';
import { ByteLevelPreTokenizer } from './pre_tokenizers/byte_level.js';
import { WhitespacePreTokenizer } from './pre_tokenizers/whitespace.js';
import { ByteLevelProcessor } from './processors/byte_level.js';
import { TemplateProcessing } from './processors/template.js';
import { Tokenizer } from './tokenizer.js';

/** GPT-2's pipeline around a byte-level BPE model; `specialTokens` present in the vocabulary become added tokens. */
export function byteLevelBpeTokenizer(model: BPE, specialTokens: string[] = ['<|endoftext|>'], addPrefixSpace = false): Tokenizer {
  const t = new Tokenizer(model);
  t.preTokenizer = new ByteLevelPreTokenizer({ addPrefixSpace, trimOffsets: true, useRegex: true });
  t.postProcessor = new ByteLevelProcessor(false, true, true);
  t.decoder = new ByteLevelDecoder();
  t.addTokens(
    specialTokens.filter((s) => model.tokenToId(s) !== undefined).map((content) => ({ content, special: true, normalized: true })),
  );
  return t;
}

/** BERT's pipeline around a WordPiece model: BertNormalizer, BertPreTokenizer, [CLS] A [SEP] (B [SEP]). */
export function bertTokenizer(model: WordPiece, opts: { lowercase?: boolean; stripAccents?: boolean | null } = {}): Tokenizer {
  const t = new Tokenizer(model);
  t.normalizer = new BertNormalizer({ lowercase: opts.lowercase ?? true, stripAccents: opts.stripAccents ?? null });
  t.preTokenizer = new BertPreTokenizer();
  t.decoder = new WordPieceDecoder('##', true);
  const specials = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].filter((s) => model.tokenToId(s) !== undefined);
  t.addTokens(specials.map((content) => ({ content, special: true, normalized: false })));
  const cls = model.tokenToId('[CLS]');
  const sep = model.tokenToId('[SEP]');
  if (cls !== undefined && sep !== undefined) {
    t.postProcessor = new TemplateProcessing('[CLS] $A:0 [SEP]:0', '[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1', [
      ['[CLS]', cls],
      ['[SEP]', sep],
    ]);
  }
  return t;
}

/** Characters as tokens, decoded by concatenation. */
export function charTokenizer(model: CharLevel): Tokenizer {
  const t = new Tokenizer(model);
  t.decoder = new FuseDecoder();
  return t;
}

/** Words (`\w+|[^\w\s]+`) as tokens, decoded with spaces between them. */
export function wordTokenizer(model: WordLevel): Tokenizer {
  const t = new Tokenizer(model);
  t.preTokenizer = new WhitespacePreTokenizer();
  if (model.unkToken && model.tokenToId(model.unkToken) !== undefined) t.addTokens([{ content: model.unkToken, special: true, normalized: false }]);
  return t;
}
