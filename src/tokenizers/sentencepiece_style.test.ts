import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { Tokenizer } from './tokenizer.js';
import { BpeTrainer } from './trainers/bpe.js';

const BYTES = Array.from({ length: 256 }, (_, b) => `<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`);
const CORPUS = 'the cat sat on the mat . the dog sat on the log , and the cat ran to the dog !';

/** A SentencePiece-like BPE model ('▁' marks word starts, byte fallback for unknown characters). */
function model(): Record<string, unknown> {
  const counts = new Map<string, number>();
  for (const w of CORPUS.split(' ')) counts.set(`▁${w}`, (counts.get(`▁${w}`) ?? 0) + 1);
  const alphabet = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ▁.,!'];
  const bpe = new BpeTrainer({ vocabSize: 340, specialTokens: ['<unk>', '<s>', '</s>', ...BYTES], initialAlphabet: alphabet }).train(counts);
  return { ...(bpe.toJSON() as Record<string, unknown>), unk_token: '<unk>', byte_fallback: true, fuse_unk: true };
}

const specials = ['<unk>', '<s>', '</s>'].map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }));
const template = {
  type: 'TemplateProcessing',
  single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
  pair: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<s>', type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
  special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
};

const SAMPLES = ['the cat sat on the mat', 'The Cat, 😀 sat!', 'mañana  the   dog', ' leading space', 'tail ', ''];

function assertSameAsHf(json: Record<string, unknown>): Tokenizer {
  const ours = Tokenizer.fromJSON(JSON.parse(JSON.stringify(json)));
  const saved = JSON.parse(JSON.stringify(ours.toJSON()));
  for (const hfJson of [json, saved]) {
    const hf = new HfTokenizer(hfJson, {});
    for (const s of SAMPLES) {
      const e = ours.encode(s);
      assert.deepEqual(e.ids, hf.encode(s).ids, JSON.stringify(s));
      if (e.ids.length === 0) continue; // tokenizers.js refuses to decode nothing
      assert.equal(ours.decode(e.ids, { skipSpecialTokens: true }), hf.decode(e.ids, { skip_special_tokens: true }), JSON.stringify(s));
    }
  }
  return ours;
}

test('Llama-style pipeline (Prepend + Replace normalizers, byte-fallback BPE, Replace/ByteFallback/Fuse/Strip decoders) agrees with tokenizers.js', () => {
  const tok = assertSameAsHf({
    added_tokens: specials,
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'Prepend', prepend: '▁' },
        { type: 'Replace', pattern: { String: ' ' }, content: '▁' },
      ],
    },
    pre_tokenizer: null,
    model: model(),
    post_processor: template,
    decoder: {
      type: 'Sequence',
      decoders: [
        { type: 'Replace', pattern: { String: '▁' }, content: ' ' },
        { type: 'ByteFallback' },
        { type: 'Fuse' },
        { type: 'Strip', content: ' ', start: 1, stop: 0 },
      ],
    },
  });
  const e = tok.encode('cat 😀');
  assert.ok(e.tokens.includes('<0xF0>'), `byte fallback expected, got ${e.tokens.join(' ')}`);
  assert.equal(tok.decode(e.ids, { skipSpecialTokens: true }), 'cat 😀');
  assert.deepEqual(e.offsets.slice(-4), [[4, 6], [4, 6], [4, 6], [4, 6]]);
});

test('Metaspace pre-tokenizer and decoder agree with tokenizers.js', () => {
  assertSameAsHf({
    added_tokens: specials,
    normalizer: null,
    pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
    model: model(),
    post_processor: null,
    decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
  });
});
