import { decoderFromJSON } from './decoders/index.js';
import { JsonReader } from './json.js';
import { modelFromJSON } from './models/index.js';
import { normalizerFromJSON } from './normalizers/index.js';
import type { PaddingOptions } from './padding.js';
import { preTokenizerFromJSON } from './pre_tokenizers/index.js';
import { processorFromJSON } from './processors/index.js';
import { Tokenizer, type TokenizerConfig } from './tokenizer.js';
import type { TruncationOptions } from './truncation.js';

const STRATEGIES = { LongestFirst: 'longest_first', OnlyFirst: 'only_first', OnlySecond: 'only_second' } as const;

function truncationFromJSON(j: JsonReader): TruncationOptions {
  const strategy = j.string('strategy', 'LongestFirst');
  if (!(strategy in STRATEGIES)) j.bad('strategy', 'LongestFirst, OnlyFirst or OnlySecond', strategy);
  const direction = j.string('direction', 'Right');
  if (direction !== 'Right' && direction !== 'Left') j.bad('direction', 'Right or Left', direction);
  return {
    maxLength: j.int('max_length'),
    stride: j.int('stride', 0),
    strategy: STRATEGIES[strategy as keyof typeof STRATEGIES],
    direction: direction === 'Right' ? 'right' : 'left',
  };
}

function paddingFromJSON(j: JsonReader): PaddingOptions {
  const s = j.obj.strategy;
  let length: number | undefined;
  if (s !== undefined && s !== 'BatchLongest') {
    const fixed = j.child('strategy').int('Fixed');
    length = fixed;
  }
  const direction = j.string('direction', 'Right');
  if (direction !== 'Right' && direction !== 'Left') j.bad('direction', 'Right or Left', direction);
  const multiple = j.optNumber('pad_to_multiple_of');
  return {
    length,
    padToMultipleOf: multiple ?? undefined,
    direction: direction === 'Right' ? 'right' : 'left',
    padId: j.int('pad_id', 0),
    padTypeId: j.int('pad_type_id', 0),
    padToken: j.string('pad_token', '[PAD]'),
  };
}

/** A Tokenizer from the parsed contents of a Hugging Face tokenizer.json. */
export function tokenizerFromJSON(json: unknown, config: TokenizerConfig = {}, file = 'tokenizer.json'): Tokenizer {
  const j = JsonReader.root(file, json);
  const t = new Tokenizer(modelFromJSON(j.child('model')));
  const n = j.optChild('normalizer');
  if (n) t.normalizer = normalizerFromJSON(n);
  const p = j.optChild('pre_tokenizer');
  if (p) t.preTokenizer = preTokenizerFromJSON(p);
  const pp = j.optChild('post_processor');
  if (pp) t.postProcessor = processorFromJSON(pp);
  const d = j.optChild('decoder');
  if (d) t.decoder = decoderFromJSON(d);
  if (j.has('added_tokens')) {
    for (const a of j.children('added_tokens')) {
      const special = a.bool('special', false);
      t.addTokens([
        {
          id: a.int('id'),
          content: a.string('content'),
          special,
          singleWord: a.bool('single_word', false),
          lstrip: a.bool('lstrip', false),
          rstrip: a.bool('rstrip', false),
          normalized: a.bool('normalized', !special),
        },
      ]);
    }
  }
  const tr = j.optChild('truncation');
  if (tr) t.truncation = truncationFromJSON(tr);
  const pad = j.optChild('padding');
  if (pad) t.padding = paddingFromJSON(pad);
  t.config = config;
  return t;
}

/** The tokenizer.json object of a Tokenizer (loadable by Hugging Face's libraries). */
export function tokenizerToJSON(t: Tokenizer): object {
  const tr = t.truncation;
  const pad = t.padding;
  const cap = (s: string) => s.replace(/(^|_)(\w)/g, (_m, _u, c: string) => c.toUpperCase());
  return {
    version: '1.0',
    truncation: tr && {
      direction: tr.direction === 'left' ? 'Left' : 'Right',
      max_length: tr.maxLength,
      strategy: cap(tr.strategy ?? 'longest_first'),
      stride: tr.stride ?? 0,
    },
    padding: pad && {
      strategy: pad.length === undefined ? 'BatchLongest' : { Fixed: pad.length },
      direction: pad.direction === 'left' ? 'Left' : 'Right',
      pad_to_multiple_of: pad.padToMultipleOf ?? null,
      pad_id: pad.padId ?? 0,
      pad_type_id: pad.padTypeId ?? 0,
      pad_token: pad.padToken ?? '[PAD]',
    },
    added_tokens: t.addedVocabulary.toJSON(),
    normalizer: t.normalizer?.toJSON() ?? null,
    pre_tokenizer: t.preTokenizer?.toJSON() ?? null,
    post_processor: t.postProcessor?.toJSON() ?? null,
    decoder: t.decoder?.toJSON() ?? null,
    model: t.model.toJSON(),
  };
}
