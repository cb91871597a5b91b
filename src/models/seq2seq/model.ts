/**
 * The encoder-decoder Transformer of "Attention Is All You Need", built as PyTorch's translation tutorial
 * builds it:
 *
 *     memory = Encoder(PE(src_emb(src) · √E))
 *     logits = generator(Decoder(PE(tgt_emb(tgt) · √E), memory))
 *
 * with causal self-attention in the decoder and source padding masked out of every attention.
 */
import { crossEntropy, eq, indexSelect, matmul, mul, reshape, slice, t } from '../../autograd/ops/index.js';
import { noGrad } from '../../autograd/graph.js';
import { privateIntermediates } from '../../autograd/private-intermediates.js';
import { fail } from '../../errors.js';
import type { CausalLM, GenerationOptions } from '../../generation/types.js';
import { Embedding } from '../../nn/embedding.js';
import { xavierUniform_ } from '../../nn/init.js';
import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import { Transformer } from '../../nn/transformer.js';
import { activationFn } from '../../nn/transformer-activation.js';
import { feedForward, residual } from '../../nn/transformer-layer-parts.js';
import { tensor } from '../../tensor/create.js';
import type { Generator } from '../../tensor/random.js';
import type { Tensor } from '../../tensor/tensor.js';
import { resolveSeq2SeqConfig, type Seq2SeqConfig } from './config.js';
import { cachedMemoryAttention, cachedSelfAttention, Seq2SeqDecoderCache } from './decoder-cache.js';
import { PositionalEncoding } from './positional-encoding.js';

export interface Seq2SeqDecodeOptions {
  /** (B, S) bool, true = a padded source position (default: none). */
  memoryKeyPaddingMask?: Tensor | null;
  /** Incremental decoding: `tgt` holds the positions after `cache.length`; the cache is extended. */
  cache?: Seq2SeqDecoderCache;
}

/**
 * Seq2SeqTransformer: token embeddings (source and target, or one shared table) scaled by √dModel,
 * sinusoidal positions, torch.nn.Transformer (batch first), and a generator Linear (or the target
 * embedding's transpose with `tieOutput`).
 *
 * Shapes: src (B, S) int32, tgt (B, T) int32 → logits (B, T, tgtVocabSize).
 *
 * Attributes (the tutorial's names): src_tok_emb, tgt_tok_emb (absent when shared), positional_encoding,
 * transformer.{encoder,decoder}…, generator (absent when tied).
 */
export class Seq2SeqTransformer extends Module {
  readonly config: Seq2SeqConfig;
  readonly srcTokEmb: Embedding;
  readonly tgtTokEmb: Embedding;
  readonly positionalEncoding: PositionalEncoding;
  readonly transformer: Transformer;
  readonly generator: Linear | null;
  generationDefaults: Partial<GenerationOptions>;
  private readonly activation: (x: Tensor) => Tensor;

  constructor(config: Partial<Seq2SeqConfig> & Pick<Seq2SeqConfig, 'srcVocabSize' | 'tgtVocabSize'>, opts: { generator?: Generator } = {}) {
    super();
    const c = resolveSeq2SeqConfig(config);
    this.config = c;
    this.srcTokEmb = this.registerModule('src_tok_emb', new Embedding(c.srcVocabSize, c.dModel, opts));
    this.tgtTokEmb = c.shareEmbeddings ? this.srcTokEmb : this.registerModule('tgt_tok_emb', new Embedding(c.tgtVocabSize, c.dModel, opts));
    this.positionalEncoding = this.registerModule('positional_encoding', new PositionalEncoding(c.dModel, c.maxPositions, c.dropout));
    this.transformer = this.registerModule('transformer', new Transformer({
      dModel: c.dModel, nhead: c.nhead, numEncoderLayers: c.numEncoderLayers, numDecoderLayers: c.numDecoderLayers,
      dimFeedforward: c.dimFeedforward, dropout: c.dropout, activation: c.activation, normFirst: c.normFirst,
      batchFirst: true, generator: opts.generator,
    }));
    this.generator = c.tieOutput ? null : this.registerModule('generator', new Linear(c.dModel, c.tgtVocabSize, opts));
    for (const p of this.parameters()) if (p.ndim > 1) xavierUniform_(p, 1, opts.generator);
    this.activation = activationFn(c.activation);
    this.generationDefaults = { eosTokenId: c.eosTokenId, padTokenId: c.padTokenId };
  }

  /** The decoder's first input token (the BOS id). */
  get decoderStartTokenId(): number {
    return this.config.bosTokenId;
  }

  private embed(table: Embedding, ids: Tensor, offset = 0): Tensor {
    return this.positionalEncoding.forward(mul(table.forward(ids), Math.sqrt(this.config.dModel)), offset);
  }

  /** (B, S) bool, true where `src` holds the padding id. */
  sourcePaddingMask(src: Tensor): Tensor {
    return eq(src, this.config.padTokenId);
  }

  /** memory (B, S, E) = Encoder(PE(src_emb(src)·√E)); `srcKeyPaddingMask` (B, S) true = padding. */
  encode(src: Tensor, srcKeyPaddingMask: Tensor | null = this.sourcePaddingMask(src)): Tensor {
    return this.transformer.encoder.forward(this.embed(this.srcTokEmb, src), { srcKeyPaddingMask });
  }

  /**
   * The decoder's output (B, T, E) for target ids `tgt` (B, T) over `memory` (B, S, E). With a cache, `tgt`
   * are the newest positions and earlier ones come from the cache (used in eval mode by generation).
   */
  decode(tgt: Tensor, memory: Tensor, opts: Seq2SeqDecodeOptions = {}): Tensor {
    const kpm = opts.memoryKeyPaddingMask ?? null;
    const cache = opts.cache;
    if (!cache) {
      return this.transformer.decoder.forward(this.embed(this.tgtTokEmb, tgt), memory, { tgtIsCausal: true, memoryKeyPaddingMask: kpm });
    }
    const attend = kpm ? reshape(eq(kpm, 0), [kpm.shape[0], 1, 1, kpm.shape[1]]) : null;
    let x = this.embed(this.tgtTokEmb, tgt, cache.length);
    const { layers, norm } = this.transformer.decoder;
    [...layers].forEach((layer, i) => {
      x = residual(x, layer.norm1, layer.normFirst, (h) => layer.dropout1.forward(cachedSelfAttention(layer.selfAttn, h, cache, i)));
      x = residual(x, layer.norm2, layer.normFirst, (h) => layer.dropout2.forward(cachedMemoryAttention(layer.multiheadAttn, h, memory, attend, cache, i)));
      x = residual(x, layer.norm3, layer.normFirst, (h) => layer.dropout3.forward(feedForward(layer, this.activation, h)));
    });
    cache.self.advance(tgt.shape[1]);
    return norm ? norm.forward(x) : x;
  }

  /** Next-token logits (B, T, V) from decoder states (B, T, E). */
  project(h: Tensor): Tensor {
    if (this.generator) return this.generator.forward(h);
    const [B, T, E] = h.shape;
    return reshape(matmul(reshape(h, [B * T, E]), t(this.tgtTokEmb.weight)), [B, T, this.config.tgtVocabSize]);
  }

  /** logits (B, T, V) of the target given the source (teacher forcing: `tgtIn` starts with BOS). */
  override forward(src: Tensor, tgtIn: Tensor): Tensor {
    const kpm = this.sourcePaddingMask(src);
    return this.project(this.decode(tgtIn, this.encode(src, kpm), { memoryKeyPaddingMask: kpm }));
  }

  /**
   * Mean cross-entropy of `tgtOut` (B, T) (= tgtIn shifted left, ending in EOS) over its non-padding
   * positions, with label smoothing ε (default 0.1, the paper's).
   */
  loss(src: Tensor, tgtIn: Tensor, tgtOut: Tensor, labelSmoothing = 0.1): Tensor {
    const V = this.config.tgtVocabSize;
    return privateIntermediates(() => {
      const logits = this.forward(src, tgtIn);
      return crossEntropy(reshape(logits, [-1, V]), reshape(tgtOut, [-1]), { ignoreIndex: this.config.padTokenId, labelSmoothing });
    });
  }

  /** A cache for incremental decoding of `batch` rows up to `maxLength` target positions. */
  newCache(batch: number, maxLength: number): Seq2SeqDecoderCache {
    const c = this.config;
    return new Seq2SeqDecoderCache(c.numDecoderLayers, batch, c.nhead, Math.min(maxLength, c.maxPositions), c.dModel / c.nhead);
  }

  /**
   * The decoder as a causal LM over target ids, conditioned on `sources` (token rows of any lengths,
   * right-padded here): what src/generation decodes. Row r of its input continues source row
   * floor(r / (R / B)) when it gets R = B · copies rows (generation's beams and return sequences).
   */
  conditionedOn(sources: readonly (readonly number[])[]): CausalLM {
    const B = sources.length;
    if (B === 0) fail('InvalidArgument', 'Seq2SeqTransformer.conditionedOn: no source rows');
    const S = Math.max(...sources.map((s) => s.length));
    if (S === 0) fail('InvalidArgument', 'Seq2SeqTransformer.conditionedOn: every source row is empty');
    if (S > this.config.maxPositions) fail('InvalidArgument', `Seq2SeqTransformer: a source of ${S} tokens exceeds maxPositions ${this.config.maxPositions}`);
    const padded = new Int32Array(B * S).fill(this.config.padTokenId);
    sources.forEach((s, b) => padded.set(s, b * S));
    const src = tensor(padded, { shape: [B, S] });
    const kpm0 = this.sourcePaddingMask(src);
    const memory0 = noGrad(() => this.encode(src, kpm0));
    const byRows = new Map<number, [Tensor, Tensor]>();
    const expanded = (R: number): [Tensor, Tensor] => {
      if (R === B) return [memory0, kpm0];
      if (R % B !== 0) fail('ShapeMismatch', `Seq2SeqTransformer: ${R} decoder rows do not divide into ${B} sources`);
      let got = byRows.get(R);
      if (!got) {
        const index = tensor(Int32Array.from({ length: R }, (_, r) => Math.floor(r / (R / B))));
        got = [indexSelect(memory0, 0, index), indexSelect(kpm0, 0, index)];
        byRows.set(R, got);
      }
      return got;
    };
    const model = this;
    return {
      maxPositions: this.config.maxPositions,
      generationDefaults: this.generationDefaults,
      newCache: (batch, maxLength) => model.newCache(batch, maxLength),
      forward(ids, opts = {}) {
        if (opts.attentionMask) fail('Unsupported', 'Seq2SeqTransformer: decoder inputs are not padded (every row starts with the start token)');
        const [memory, kpm] = expanded(ids.shape[0]);
        const cache = opts.cache as Seq2SeqDecoderCache | undefined;
        if (cache !== undefined && !(cache instanceof Seq2SeqDecoderCache)) fail('InvalidArgument', 'Seq2SeqTransformer: the cache was not made by newCache()');
        let h = model.decode(ids, memory, { memoryKeyPaddingMask: kpm, cache });
        if (opts.lastOnly && h.shape[1] > 1) h = slice(h, null, [h.shape[1] - 1, h.shape[1]]);
        return model.project(h);
      },
    };
  }
}

