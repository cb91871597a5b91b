import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WordPiece } from './models/wordpiece.js';
import { Vocab } from './models/vocab.js';
import { bertTokenizer } from './presets.js';
import { TemplateProcessing } from './processors/template.js';
import { Tokenizer } from './tokenizer.js';

const words = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'the', 'cat', 'sat', '##s', '.', "'", 'it', 's'];
const bert = () => bertTokenizer(new WordPiece(Vocab.fromList(words)));
const id = (t: string) => words.indexOf(t);

test('single and pair templates: special tokens, type ids, masks, offsets', () => {
  const t = bert();
  const e = t.encode('The cats', 'sat.');
  assert.deepEqual(e.tokens, ['[CLS]', 'the', 'cat', '##s', '[SEP]', 'sat', '.', '[SEP]']);
  assert.deepEqual(e.typeIds, [0, 0, 0, 0, 0, 1, 1, 1]);
  assert.deepEqual(e.specialTokensMask, [1, 0, 0, 0, 1, 0, 0, 1]);
  assert.deepEqual(e.attentionMask, [1, 1, 1, 1, 1, 1, 1, 1]);
  assert.deepEqual(e.offsets, [[0, 0], [0, 3], [4, 7], [7, 8], [0, 0], [0, 3], [3, 4], [0, 0]]);
  assert.deepEqual(e.sequenceIds, [null, 0, 0, 0, null, 1, 1, null]);
  const plain = t.encode('The cats', 'sat.', { addSpecialTokens: false });
  assert.deepEqual(plain.tokens, ['the', 'cat', '##s', 'sat', '.']);
  assert.deepEqual(plain.typeIds, [0, 0, 0, 1, 1]);
});

test('a custom template with its own special tokens', () => {
  const t = bert();
  t.postProcessor = new TemplateProcessing('[CLS] $A [SEP]', '[CLS] $A [SEP] [SEP] $B:1 [SEP]:1', [
    ['[CLS]', id('[CLS]')],
    ['[SEP]', id('[SEP]')],
  ]);
  assert.deepEqual(t.encode('a', 'b').tokens, ['[CLS]', 'a', '[SEP]', '[SEP]', 'b', '[SEP]']);
  assert.deepEqual(t.encode('a', 'b').typeIds, [0, 0, 0, 0, 1, 1]);
  assert.equal(t.postProcessor.addedTokens(true), 4);
});

test('padding: right or left, to the longest or a fixed length, multiples', () => {
  const t = bert();
  const batch = t.encodeBatch(['a b c', 'a'], { padding: {} });
  assert.deepEqual(batch[0].ids.length, 5);
  assert.deepEqual(batch[1].tokens, ['[CLS]', 'a', '[SEP]', '[PAD]', '[PAD]']);
  assert.deepEqual(batch[1].attentionMask, [1, 1, 1, 0, 0]);
  assert.deepEqual(batch[1].specialTokensMask, [1, 0, 1, 1, 1]);
  const left = t.encodeBatch(['a b c', 'a'], { padding: { direction: 'left' } });
  assert.deepEqual(left[1].tokens, ['[PAD]', '[PAD]', '[CLS]', 'a', '[SEP]']);
  assert.deepEqual(left[1].attentionMask, [0, 0, 1, 1, 1]);
  assert.deepEqual(left[1].offsets[0], [0, 0]);
  const fixed = t.encode('a', null, { padding: { length: 6 } });
  assert.deepEqual(fixed.ids, [id('[CLS]'), id('a'), id('[SEP]'), 0, 0, 0]);
  const mult = t.encodeBatch(['a b c d'], { padding: { padToMultipleOf: 4 } });
  assert.equal(mult[0].length, 8);
  t.enablePadding({ length: 4 });
  assert.equal(t.encode('a').length, 4);
});

test('truncation: right and left, pairs longest-first, stride and overflowing windows', () => {
  const t = bert();
  const e = t.encode('a b c d e f g h', null, { truncation: { maxLength: 5 } });
  assert.deepEqual(e.tokens, ['[CLS]', 'a', 'b', 'c', '[SEP]']);
  assert.deepEqual(
    e.overflowing.map((o) => o.tokens),
    [
      ['[CLS]', 'd', 'e', 'f', '[SEP]'],
      ['[CLS]', 'g', 'h', '[SEP]'],
    ],
  );
  const strided = t.encode('a b c d e f g h', null, { truncation: { maxLength: 6, stride: 2 } });
  assert.deepEqual(strided.tokens, ['[CLS]', 'a', 'b', 'c', 'd', '[SEP]']);
  assert.deepEqual(
    strided.overflowing.map((o) => o.tokens.slice(1, -1).join('')),
    ['cdef', 'efgh'],
  );
  const left = t.encode('a b c d e f g h', null, { truncation: { maxLength: 5, direction: 'left' } });
  assert.deepEqual(left.tokens, ['[CLS]', 'f', 'g', 'h', '[SEP]']);
  const pair = t.encode('a b c d e f', 'g h', { truncation: { maxLength: 8 } });
  assert.deepEqual(pair.tokens, ['[CLS]', 'a', 'b', 'c', '[SEP]', 'g', 'h', '[SEP]']);
  const onlySecond = t.encode('a b', 'c d e f g', { truncation: { maxLength: 7, strategy: 'only_second' } });
  assert.deepEqual(onlySecond.tokens, ['[CLS]', 'a', 'b', '[SEP]', 'c', 'd', '[SEP]']);
});

test('decode: skip special tokens and clean up spaces', () => {
  const t = bert();
  const e = t.encode('The cats sat.');
  assert.equal(t.decode(e.ids), '[CLS] the cats sat. [SEP]');
  assert.equal(t.decode(e.ids, { skipSpecialTokens: true }), 'the cats sat.');
  const its = t.encode("it's").ids;
  assert.equal(t.decode(its, { skipSpecialTokens: true }), "it's");
  assert.equal(t.decode(its, { skipSpecialTokens: true, cleanUpTokenizationSpaces: false }), "it ' s");
  assert.deepEqual(t.decodeBatch([e.ids], { skipSpecialTokens: true }), ['the cats sat.']);
  assert.equal(t.tokenToId('cat'), id('cat'));
  assert.equal(t.idToToken(id('sat')), 'sat');
  assert.equal(t.vocabSize, words.length);
});

test('added tokens: matched in text, new ids after the vocabulary, single-word and strip options', () => {
  const t = bert();
  const [x] = t.addTokens(['<x>']);
  assert.equal(x, words.length);
  assert.equal(t.vocabSize, words.length + 1);
  assert.deepEqual(t.encode('a<x>b', null, { addSpecialTokens: false }).tokens, ['a', '<x>', 'b']);
  t.addTokens([{ content: 'cat', singleWord: true, special: true, normalized: false }]);
  assert.deepEqual(t.encode('cats cat', null, { addSpecialTokens: false }).tokens, ['cat', '##s', 'cat']);
  // 'cat' is now special, so skipping special tokens drops it wherever it came from.
  assert.equal(t.decode(t.encode('cats cat').ids, { skipSpecialTokens: true }), '##s');
  // A normalized added token is matched as the normalizer rewrites its content (lower-cased here).
  t.addTokens([{ content: 'MyTok', normalized: true }]);
  assert.deepEqual(t.encode('a mytok MYTOK', null, { addSpecialTokens: false }).tokens, ['a', 'MyTok', 'MyTok']);
  t.addTokens([{ content: '<y>', lstrip: true, rstrip: true, normalized: false }]);
  const e = t.encode('a  <y>  b', null, { addSpecialTokens: false });
  assert.deepEqual(e.tokens, ['a', '<y>', 'b']);
  assert.deepEqual(e.offsets[1], [1, 8]);
});

test('padding and truncation settings survive tokenizer.json', () => {
  const t = bert();
  t.enableTruncation({ maxLength: 6, stride: 1, strategy: 'only_first', direction: 'left' });
  t.enablePadding({ length: 8, direction: 'left', padToMultipleOf: 4, padId: 0, padTypeId: 0, padToken: '[PAD]' });
  const json = JSON.parse(JSON.stringify(t.toJSON()));
  assert.deepEqual(json.truncation, { direction: 'Left', max_length: 6, strategy: 'OnlyFirst', stride: 1 });
  assert.deepEqual(json.padding, { strategy: { Fixed: 8 }, direction: 'Left', pad_to_multiple_of: 4, pad_id: 0, pad_type_id: 0, pad_token: '[PAD]' });
  const back = Tokenizer.fromJSON(json);
  assert.deepEqual(back.truncation, t.truncation);
  assert.deepEqual(back.padding, t.padding);
  assert.deepEqual(back.encode('a b c d e f g').ids, t.encode('a b c d e f g').ids);
});
