import fs from 'node:fs';
import path from 'node:path';
import { fail } from '../errors.js';
import { AddedVocabulary, type AddedToken } from './added_vocabulary.js';
import { ByteLevelFastPath } from './byte_level_fast_path.js';
import { type BpeWork, encodeAndShowWork } from './show_work.js';
import { cleanUpTokenizationSpaces } from './decoders/cleanup.js';
import { Encoding } from './encoding.js';
import { NormalizedString } from './normalized_string.js';
import { type PaddingOptions, padEncodings } from './padding.js';
import { type Piece, tokenOffsets } from './piece.js';
import { loadPretrained, loadTokenizerFile } from './load.js';
import { tokenizerFromJSON, tokenizerToJSON } from './serialization.js';
import { truncatePair, type TruncationOptions } from './truncation.js';
import type { Decoder, Model, Normalizer, PostProcessor, PreTokenizer } from './types.js';

export interface EncodeOptions {
  /** Add the post-processor's special tokens ([CLS]/[SEP] for BERT). Default true. */
  addSpecialTokens?: boolean;
  /** Overrides the tokenizer's truncation (false: none). */
  truncation?: TruncationOptions | false;
  /** Overrides the tokenizer's padding (false: none). A single encode pads only to a fixed length. */
  padding?: PaddingOptions | false;
}

export interface DecodeOptions {
  /** Drop special added tokens ([CLS], [SEP], [PAD], [UNK], <|endoftext|>...). Default false. */
  skipSpecialTokens?: boolean;
  /**
   * Remove spaces before punctuation and in contractions (over the whole text, as transformers does).
   * Default: tokenizer_config's `clean_up_tokenization_spaces`, else true for WordPiece decoders (BERT)
   * and false otherwise (so byte-level BPE decodes exactly).
   */
  cleanUpTokenizationSpaces?: boolean;
}

/** Settings from tokenizer_config.json that change behaviour (the rest is kept in `config`). */
export interface TokenizerConfig {
  [key: string]: unknown;
  clean_up_tokenization_spaces?: boolean;
  model_max_length?: number;
  pad_token?: string | { content: string };
}

/** Either one input or a pair. */
export type EncodeInput = string | [string, string];

/**
 * A text tokenizer as Hugging Face's `tokenizers` builds it: normalizer → pre-tokenizer → model →
 * post-processor, and a decoder for the way back. Load one with `Tokenizer.fromFile('tokenizer.json')`
 * or `Tokenizer.fromPretrained(dir)`; train one with the functions of `tokenizers/trainers`.
 *
 * Offsets are [start, end) UTF-16 unit indices into the encoded string (what `text.slice` takes).
 *
 * @example
 * const bert = Tokenizer.fromPretrained('bert-base-uncased/');      // tokenizer.json or vocab.txt
 * const e = bert.encode('Hello, world!', 'Second text');             // [CLS] A [SEP] B [SEP]
 * e.ids; e.typeIds; e.attentionMask; e.offsets;
 * bert.decode(e.ids, { skipSpecialTokens: true });                   // 'hello, world! second text'
 * const batch = bert.encodeBatch(['short', 'a longer text'], { padding: {}, truncation: { maxLength: 8 } });
 * const gpt2 = Tokenizer.fromPretrained('gpt2/');                    // tokenizer.json or vocab.json + merges.txt
 * gpt2.encodeIds('Hello world');                                     // [15496, 995], the fast path
 */
export class Tokenizer {
  normalizer: Normalizer | null = null;
  preTokenizer: PreTokenizer | null = null;
  model: Model;
  postProcessor: PostProcessor | null = null;
  decoder: Decoder | null = null;
  readonly addedVocabulary = new AddedVocabulary();
  truncation: TruncationOptions | null = null;
  padding: PaddingOptions | null = null;
  /** tokenizer_config.json as loaded (empty when there was none). */
  config: TokenizerConfig = {};
  /** ByteLevel + model fused with a word cache (rebuilt when either changes). */
  private fast: ByteLevelFastPath | null = null;

  constructor(model: Model) {
    this.model = model;
  }

  /** Reads a tokenizer.json (and a tokenizer_config.json beside it, if any). */
  static fromFile(file: string): Tokenizer {
    return loadTokenizerFile(file);
  }

  /**
   * Loads a folder: tokenizer.json (+ tokenizer_config.json), else GPT-2's vocab.json + merges.txt
   * (or encoder.json + vocab.bpe), else BERT's vocab.txt.
   */
  static fromPretrained(dir: string): Tokenizer {
    return loadPretrained(dir);
  }

  /** A tokenizer from the parsed contents of tokenizer.json. */
  static fromJSON(json: unknown, config: TokenizerConfig = {}, file = 'tokenizer.json'): Tokenizer {
    return tokenizerFromJSON(json, config, file);
  }

  /** Vocabulary size including added tokens. */
  get vocabSize(): number {
    let n = this.model.vocabSize;
    for (const t of this.addedVocabulary.tokens) if (this.model.idToToken(t.id) !== t.content && this.model.tokenToId(t.content) === undefined) n++;
    return n;
  }

  tokenToId(token: string): number | undefined {
    return this.addedVocabulary.get(token)?.id ?? this.model.tokenToId(token);
  }

  idToToken(id: number): string | undefined {
    return this.addedVocabulary.byId.get(id)?.content ?? this.model.idToToken(id);
  }

  /**
   * Adds tokens matched in text before the model runs; an existing vocabulary entry keeps its id, new
   * ones get ids after the vocabulary. Returns their ids.
   */
  addTokens(tokens: (string | Partial<AddedToken> & { content: string })[], special = false): number[] {
    return tokens.map((t) => {
      const spec = typeof t === 'string' ? { content: t } : t;
      const existing = this.addedVocabulary.get(spec.content);
      let id = spec.id ?? existing?.id ?? this.model.tokenToId(spec.content);
      if (id === undefined) {
        id = this.model.vocabSize;
        for (const a of this.addedVocabulary.tokens) id = Math.max(id, a.id + 1);
      }
      const isSpecial = spec.special ?? special;
      this.addedVocabulary.add({
        content: spec.content,
        id,
        special: isSpecial,
        singleWord: spec.singleWord ?? false,
        lstrip: spec.lstrip ?? false,
        rstrip: spec.rstrip ?? false,
        normalized: spec.normalized ?? !isSpecial,
      });
      return id;
    });
  }

  /** Adds special tokens (skipped by `decode(..., { skipSpecialTokens: true })`). */
  addSpecialTokens(tokens: string[]): number[] {
    return this.addTokens(tokens, true);
  }

  /** Sets default truncation for `encode`/`encodeBatch` (null: none). */
  enableTruncation(opts: TruncationOptions | null): this {
    this.truncation = opts;
    return this;
  }

  /** Sets default padding for `encode`/`encodeBatch` (null: none). */
  enablePadding(opts: PaddingOptions | null): this {
    this.padding = opts;
    return this;
  }

  /** The normalized, pre-tokenized words of a text, as the model sees them (trainers count these). */
  preTokenizeWords(text: string): string[] {
    return this.preTokenize(text).filter((w): w is string => typeof w === 'string');
  }

  /** The words the model will see, in order, with the ids of added tokens found in the text between them. */
  preTokenize(text: string): (string | number)[] {
    const out: (string | number)[] = [];
    for (const seg of this.addedVocabulary.splitRaw(text)) {
      if (seg.id !== null) {
        out.push(seg.id);
        continue;
      }
      const ns = new NormalizedString(text.slice(seg.start, seg.end));
      this.normalizer?.normalize(ns);
      for (const sub of this.addedVocabulary.splitNormalized(ns.normalized, this.normalizer)) {
        if (sub.id !== null) {
          out.push(sub.id);
          continue;
        }
        const piece: Piece = { text: ns.normalized.slice(sub.start, sub.end), start: sub.start, first: seg.start === 0 && sub.start === 0 };
        for (const p of this.preTokenizer ? this.preTokenizer.preTokenize([piece]) : [piece]) out.push(p.text);
      }
    }
    return out;
  }

  /** One sequence through normalizer, pre-tokenizer and model (no special tokens); type id = sequence id, as Hugging Face. */
  private encodeSequence(text: string, sequenceId: number): Encoding {
    const enc = new Encoding();
    const fast = (this.fast = ByteLevelFastPath.for(this.preTokenizer, this.model, this.fast));
    for (const seg of this.addedVocabulary.splitRaw(text)) {
      if (seg.id !== null) {
        enc.push(seg.id, this.idToToken(seg.id)!, [seg.start, seg.end], sequenceId, 0, sequenceId);
        continue;
      }
      const ns = new NormalizedString(text.slice(seg.start, seg.end), undefined, seg.start);
      this.normalizer?.normalize(ns);
      for (const sub of this.addedVocabulary.splitNormalized(ns.normalized, this.normalizer)) {
        if (sub.id !== null) {
          enc.push(sub.id, this.idToToken(sub.id)!, ns.originalRange(sub.start, sub.end), sequenceId, 0, sequenceId);
          continue;
        }
        if (fast) {
          fast.encode(ns, sub.start, sub.end, enc, sequenceId);
          continue;
        }
        const piece: Piece = { text: ns.normalized.slice(sub.start, sub.end), start: sub.start, first: seg.start === 0 && sub.start === 0 };
        const pieces = this.preTokenizer ? this.preTokenizer.preTokenize([piece]) : [piece];
        for (const p of pieces) {
          for (const t of this.model.tokenize(p.text)) enc.push(t.id, t.value, tokenOffsets(ns, p, t.start, t.end), sequenceId, 0, sequenceId);
        }
      }
    }
    return enc;
  }

  /**
   * Encodes a text (or a pair `text`, `pair`): ids, tokens, offsets, type ids, attention mask and
   * special-token mask; with truncation, the cut-off rest is in `overflowing`.
   */
  encode(text: string, pair?: string | null, opts: EncodeOptions = {}): Encoding {
    const addSpecial = opts.addSpecialTokens ?? true;
    const a = this.encodeSequence(text, 0);
    const b = pair === undefined || pair === null ? null : this.encodeSequence(pair, 1);
    const trunc = opts.truncation === undefined ? this.truncation : opts.truncation || null;
    if (trunc) truncatePair(a, b, addSpecial && this.postProcessor ? this.postProcessor.addedTokens(b !== null) : 0, trunc);
    const out = this.postProcessor ? this.postProcessor.process(a, b, addSpecial) : defaultProcess(a, b);
    const pad = opts.padding === undefined ? this.padding : opts.padding || null;
    if (pad && pad.length !== undefined) this.pad([out], pad);
    return out;
  }

  /** Encodes many inputs (strings or [text, pair]); padding to the longest applies across the batch. */
  encodeBatch(inputs: EncodeInput[], opts: EncodeOptions = {}): Encoding[] {
    const out = inputs.map((x) => (typeof x === 'string' ? this.encode(x, null, { ...opts, padding: false }) : this.encode(x[0], x[1], { ...opts, padding: false })));
    const pad = opts.padding === undefined ? this.padding : opts.padding || null;
    if (pad) this.pad(out, pad);
    return out;
  }

  private pad(encodings: Encoding[], opts: PaddingOptions): void {
    const cfgPad = this.config.pad_token;
    const padToken = opts.padToken ?? (typeof cfgPad === 'string' ? cfgPad : cfgPad?.content) ?? '[PAD]';
    const padId = opts.padId ?? this.tokenToId(padToken) ?? 0;
    padEncodings(encodings, opts, padId, padToken);
  }

  /**
   * Only the ids of `encode(text)`: skips tokens and offsets, so byte-level BPE runs on its fast path
   * (regex words → cached BPE) when no post-processor adds tokens.
   */
  encodeIds(text: string, opts: { addSpecialTokens?: boolean } = {}): number[] {
    const addSpecial = opts.addSpecialTokens ?? true;
    const fast = (this.fast = ByteLevelFastPath.for(this.preTokenizer, this.model, this.fast));
    const processorAdds = addSpecial && this.postProcessor !== null && this.postProcessor.addedTokens(false) > 0;
    if (!fast || processorAdds) return this.encode(text, null, { addSpecialTokens: addSpecial, truncation: false, padding: false }).ids;
    const ids: number[] = [];
    for (const seg of this.addedVocabulary.splitRaw(text)) {
      if (seg.id !== null) {
        ids.push(seg.id);
        continue;
      }
      let chunk = seg.start === 0 && seg.end === text.length ? text : text.slice(seg.start, seg.end);
      if (this.normalizer) {
        const ns = new NormalizedString(chunk);
        this.normalizer.normalize(ns);
        chunk = ns.normalized;
      }
      for (const sub of this.addedVocabulary.splitNormalized(chunk, this.normalizer)) {
        if (sub.id !== null) ids.push(sub.id);
        else fast.ids(sub.start === 0 && sub.end === chunk.length ? chunk : chunk.slice(sub.start, sub.end), ids);
      }
    }
    return ids;
  }

  /**
   * BPE only: the ids of `encodeIds(text, { addSpecialTokens: false })` computed the slow, obvious way,
   * with every word's merges listed (for debugging and teaching).
   */
  encodeAndShowWork(text: string): BpeWork {
    return encodeAndShowWork(this, text);
  }

  /** Text from ids: the decoder joins the tokens (Hugging Face joins with spaces when there is none). */
  decode(ids: ArrayLike<number>, opts: DecodeOptions = {}): string {
    const tokens: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const added = this.addedVocabulary.byId.get(id);
      if (added?.special && opts.skipSpecialTokens) continue;
      const tok = added?.content ?? this.model.idToToken(id);
      if (tok === undefined) fail('IndexOutOfRange', `decode: id ${id} is not in the vocabulary (expected 0 ≤ id < ${this.vocabSize})`);
      tokens.push(tok);
    }
    let text = this.decoder ? this.decoder.decodeChain(tokens).join('') : tokens.join(' ');
    if (opts.cleanUpTokenizationSpaces ?? this.config.clean_up_tokenization_spaces ?? this.decoder?.type === 'WordPiece') text = cleanUpTokenizationSpaces(text);
    return text;
  }

  decodeBatch(batch: ArrayLike<number>[], opts: DecodeOptions = {}): string[] {
    return batch.map((ids) => this.decode(ids, opts));
  }

  /** The tokenizer.json object (Hugging Face's format). */
  toJSON(): object {
    return tokenizerToJSON(this);
  }

  /** Writes tokenizer.json. */
  save(file: string, pretty = true): void {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(this.toJSON(), null, pretty ? 2 : undefined));
  }

  /** Writes tokenizer.json and tokenizer_config.json into a folder (loadable by `fromPretrained`). */
  savePretrained(dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
    this.save(path.join(dir, 'tokenizer.json'));
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(this.config, null, 1));
  }
}

function defaultProcess(a: Encoding, b: Encoding | null): Encoding {
  if (!b) return a;
  const out = new Encoding().append(a).append(b.setTypeId(1));
  out.overflowing = [...a.overflowing, ...b.overflowing];
  return out;
}
