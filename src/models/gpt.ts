/**
 * GPT: a decoder-only transformer language model, as GPT-2 (Radford et al. 2019) and nanoGPT build it.
 *
 *   ids → token embedding + position embedding → N × Block → LayerNorm → logits (LM head tied to wte)
 *   Block: x = x + attn(ln_1(x)); x = x + mlp(ln_2(x))   (pre-norm residual blocks)
 *
 * Legend: B batch size, T sequence length, C embedding width (nEmbd), nh heads, hs head size (C / nh),
 * V vocabulary size.
 *
 * Parameter names are GPT-2's own (`transformer.h.0.attn.c_attn.weight`, ...), so a Hugging Face
 * checkpoint loads key by key (see gpt-pretrained.ts). Like GPT-2's Conv1D, the projection weights
 * (c_attn, c_proj, c_fc) are stored [in, out] and applied as y = x·W + b; embeddings are [V, C].
 */
import {
  add, addmm, addmmResidual, crossEntropy, geluMlp, matmul, packedSelfAttention, reshape, scaledDotProductAttention, slice, split, t, transpose,
  view,
} from '../autograd/ops/index.js';
import { needsGrad } from '../autograd/graph.js';
import { privateIntermediates } from '../autograd/private-intermediates.js';
import '../autograd/methods.js'; // Tensor methods (detach, ...) that nn's state dicts use
import { arange } from '../tensor/create.js';
import { fail } from '../errors.js';
import { generate, generateStream, type GenerationResult, type StreamChunk } from '../generation/generate.js';
import type { TokenInput } from '../generation/options.js';
import type { CausalLM, CausalLMForwardOptions, GenerationOptions, KVCache } from '../generation/types.js';
import { Dropout } from '../nn/dropout.js';
import { Embedding } from '../nn/embedding.js';
import { normal_, skipInit, zeros_ } from '../nn/init.js';
import { LayerNorm } from '../nn/layer-norm.js';
import { ModuleList } from '../nn/containers.js';
import { Module } from '../nn/module.js';
import { emptyParameter, type Parameter } from '../nn/parameter.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import { emptyTensor, type Tensor } from '../tensor/tensor.js';
import type { Tokenizer } from '../tokenizers/tokenizer.js';
import { overrideConfig } from './config-fields.js';
import { type FromPretrainedOptions, loadPretrainedGPT, savePretrainedGPT } from './gpt-pretrained.js';
import { LayerKVCache } from './kv-cache.js';

export interface GPTConfig {
  /** Vocabulary size V. */
  vocabSize: number;
  /** Context length: the most positions the model reads (learned position embeddings). */
  blockSize: number;
  nLayer: number;
  nHead: number;
  /** Width C. */
  nEmbd: number;
  /** Dropout on embeddings, attention probabilities and residual branches while training. */
  dropout: number;
  /** Biases in the projections and layer norms (GPT-2: true; nanoGPT: a bit better and faster without). */
  bias: boolean;
  /** GELU form: 'tanh' is GPT-2's `gelu_new`, 'erf' the exact one. */
  gelu: 'tanh' | 'erf';
  layerNormEps: number;
}

export const gptDefaults: GPTConfig = {
  vocabSize: 50304, // GPT-2's 50257 padded up to a multiple of 64 (nanoGPT: faster products)
  blockSize: 1024,
  nLayer: 12,
  nHead: 12,
  nEmbd: 768,
  dropout: 0,
  bias: true,
  gelu: 'tanh',
  layerNormEps: 1e-5,
};

/** Named shapes: GPT-2's published sizes, and nanoGPT's small character-level models. */
export const gptPresets = {
  gpt2: { vocabSize: 50257, blockSize: 1024, nLayer: 12, nHead: 12, nEmbd: 768 }, // 124M parameters
  'gpt2-medium': { vocabSize: 50257, blockSize: 1024, nLayer: 24, nHead: 16, nEmbd: 1024 }, // 350M
  'gpt2-large': { vocabSize: 50257, blockSize: 1024, nLayer: 36, nHead: 20, nEmbd: 1280 }, // 774M
  'gpt2-xl': { vocabSize: 50257, blockSize: 1024, nLayer: 48, nHead: 25, nEmbd: 1600 }, // 1558M
  // nanoGPT's shakespeare_char "baby GPT" (10.7M parameters with its 65 characters)
  babyGpt: { vocabSize: 65, blockSize: 256, nLayer: 6, nHead: 6, nEmbd: 384, dropout: 0.2 },
  // the CPU version of it from nanoGPT's README (and the gpt_train benchmark)
  gptNano: { vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0 },
} satisfies Record<string, Partial<GPTConfig>>;

export type GPTPreset = keyof typeof gptPresets;

export interface GPTOptions {
  /** Draws the initial weights (the global generator by default). */
  generator?: Generator;
  /** Initialize the weights (default true; false leaves them zero, for loading a checkpoint). */
  init?: boolean;
}

/** GPT-2's Conv1D: y = x·W + b with W stored [in, out] (the transpose of a Linear's weight). */
export class Conv1D extends Module<[Tensor], Tensor> {
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, bias: boolean) {
    super();
    this.weight = this.registerParameter('weight', emptyParameter([inFeatures, outFeatures]));
    this.bias = this.registerParameter('bias', bias ? emptyParameter([outFeatures]) : null);
  }

  override forward(x: Tensor): Tensor {
    return this.forwardColumns(x, 0, this.outFeatures);
  }

  /** Output features [start, end) only: x·W[:, start:end] + b[start:end] (a view of W, no copy). */
  forwardColumns(x: Tensor, start: number, end: number): Tensor {
    const lead = x.shape.slice(0, -1);
    const all = start === 0 && end === this.outFeatures;
    const w = all ? this.weight : slice(this.weight, null, [start, end]);
    const rows = reshape(x, [-1, this.inFeatures]);
    const y = this.bias ? addmm(all ? this.bias : slice(this.bias, [start, end]), rows, w) : matmul(rows, w); // (B·T, end - start)
    return reshape(y, [...lead, end - start]);
  }

  /** residual + x·W + b, the residual added inside the product (a block's skip connection). */
  forwardAdd(x: Tensor, residual: Tensor): Tensor {
    return addmmResidual(residual, this.bias, reshape(x, [-1, this.inFeatures]), this.weight);
  }

  override extraRepr(): string {
    return `nf=${this.outFeatures}, nx=${this.inFeatures}`;
  }
}

/** N(0, std²) into a Conv1D weight [in, out], drawn in the order of the Linear weight [out, in] it transposes. */
function normalAsLinear_(weight: Tensor, std: number, generator: Generator): void {
  const [nIn, nOut] = weight.shape;
  const drawn = new Float32Array(weight.size);
  generator.fillNormal(drawn, 0, drawn.length, 0, std);
  const w = weight.data;
  for (let o = 0; o < nOut; o++) for (let i = 0; i < nIn; i++) w[weight.offset + i * nOut + o] = drawn[o * nIn + i];
}

/** What every layer of one forward pass shares. */
interface PassContext {
  cache: LayerKVCache | null;
  /** (B, 1, T, past + T) true = may attend; null: plain causal attention. */
  mask: Tensor | null;
}

/** Multi-head masked self-attention over the sequence, all heads in one projection. */
export class CausalSelfAttention extends Module {
  readonly cAttn: Conv1D;
  readonly cProj: Conv1D;
  readonly residDropout: Dropout;

  constructor(readonly config: GPTConfig, readonly layer: number) {
    super();
    const C = config.nEmbd;
    if (C % config.nHead !== 0) fail('InvalidArgument', `GPT: nEmbd (${C}) must be a multiple of nHead (${config.nHead})`);
    this.cAttn = this.registerModule('c_attn', new Conv1D(C, 3 * C, config.bias));
    this.cProj = this.registerModule('c_proj', new Conv1D(C, C, config.bias));
    this.residDropout = new Dropout(config.dropout);
  }

  /** Attention over x (B, T, C); with `residual` (B, T, C): residual + attention, added inside c_proj. */
  override forward(x: Tensor, pass: PassContext, residual: Tensor | null = null): Tensor {
    const [B, T, C] = x.shape;
    const nh = this.config.nHead;
    const hs = C / nh;
    const attnDropout = this.training ? this.config.dropout : 0;
    if (!pass.cache && !pass.mask) {
      // The whole sequence at once: one c_attn product, heads split and merged inside the attention op.
      const y = packedSelfAttention(this.cAttn.forward(x), nh, { isCausal: true, dropoutP: attnDropout }); // (B, T, C)
      return this.project(y, residual);
    }
    // query, key and value of every head (c_attn's output columns are [q | k | v]), each head moved next
    // to the batch. When training: three products over column views of the weight rather than one product
    // split three ways, so that backward scatters into the (C, 3C) weight, not the (B·T, 3C) activations.
    const qkv = needsGrad(x, this.cAttn.weight)
      ? [0, 1, 2].map((i) => this.cAttn.forwardColumns(x, i * C, (i + 1) * C))
      : split(this.cAttn.forward(x), C, 2); // 3 × (B, T, C)
    const [q, k, v] = qkv.map((z) => transpose(view(z, B, T, nh, hs), 1, 2)); // (B, nh, T, hs)
    const [keys, values] = pass.cache ? pass.cache.update(this.layer, k, v) : [k, v]; // (B, nh, past + T, hs)
    // Without gradients the kernel reads the cache's views in place and writes y as (B, T, nh, hs) memory.
    const y = scaledDotProductAttention(q, keys, values, {
      attnMask: pass.mask, isCausal: pass.mask === null, dropoutP: attnDropout,
    }); // (B, nh, T, hs)
    const merged = reshape(transpose(y, 1, 2), [B, T, C]); // (B, T, C): head outputs side by side
    return this.project(merged, residual);
  }

  /** c_proj and the residual dropout over the merged heads y, plus the residual when given. */
  private project(y: Tensor, residual: Tensor | null): Tensor {
    if (!residual) return this.residDropout.forward(this.cProj.forward(y));
    if (this.training && this.config.dropout > 0) return add(residual, this.residDropout.forward(this.cProj.forward(y)));
    return this.cProj.forwardAdd(y, residual);
  }
}

/** The feed-forward part of a block: C → 4C → GELU → C. */
export class MLP extends Module<[Tensor, (Tensor | null)?], Tensor> {
  readonly cFc: Conv1D;
  readonly cProj: Conv1D;
  readonly dropout: Dropout;

  constructor(readonly config: GPTConfig) {
    super();
    this.cFc = this.registerModule('c_fc', new Conv1D(config.nEmbd, 4 * config.nEmbd, config.bias));
    this.cProj = this.registerModule('c_proj', new Conv1D(4 * config.nEmbd, config.nEmbd, config.bias));
    this.dropout = new Dropout(config.dropout);
  }

  /**
   * dropout(c_proj(gelu(c_fc(x)))) for x (B, T, C), as one fused op (the GELU and its derivative inside the
   * GEMMs); with `residual` (B, T, C): residual + that, added inside c_proj when dropout is inactive.
   */
  override forward(x: Tensor, residual: Tensor | null = null): Tensor {
    const approximate = this.config.gelu === 'tanh' ? 'tanh' : 'none';
    const { cFc, cProj } = this;
    if (!(this.training && this.config.dropout > 0)) {
      return geluMlp(x, cFc.weight, cFc.bias, cProj.weight, cProj.bias, { approximate, residual }); // (B, T, C)
    }
    const y = this.dropout.forward(geluMlp(x, cFc.weight, cFc.bias, cProj.weight, cProj.bias, { approximate })); // (B, T, C)
    return residual ? add(residual, y) : y;
  }
}

export class Block extends Module {
  readonly ln1: LayerNorm;
  readonly attn: CausalSelfAttention;
  readonly ln2: LayerNorm;
  readonly mlp: MLP;

  constructor(config: GPTConfig, layer: number) {
    super();
    const ln = () => new LayerNorm(config.nEmbd, { eps: config.layerNormEps, bias: config.bias });
    this.ln1 = this.registerModule('ln_1', ln());
    this.attn = this.registerModule('attn', new CausalSelfAttention(config, layer));
    this.ln2 = this.registerModule('ln_2', ln());
    this.mlp = this.registerModule('mlp', new MLP(config));
  }

  override forward(x: Tensor, pass: PassContext): Tensor {
    x = this.attn.forward(this.ln1.forward(x), pass, x); // x + attn(ln_1(x))
    x = this.mlp.forward(this.ln2.forward(x), x); // x + mlp(ln_2(x))
    return x;
  }
}

/** The body under GPT-2's `transformer.` prefix. */
export class GPTBody extends Module {
  readonly wte: Embedding;
  readonly wpe: Embedding;
  readonly drop: Dropout;
  readonly h: ModuleList<Block>;
  readonly lnF: LayerNorm;

  constructor(config: GPTConfig) {
    super();
    this.wte = this.registerModule('wte', new Embedding(config.vocabSize, config.nEmbd));
    this.wpe = this.registerModule('wpe', new Embedding(config.blockSize, config.nEmbd));
    this.drop = new Dropout(config.dropout);
    this.h = this.registerModule('h', new ModuleList(Array.from({ length: config.nLayer }, (_, i) => new Block(config, i))));
    this.lnF = this.registerModule('ln_f', new LayerNorm(config.nEmbd, { eps: config.layerNormEps, bias: config.bias }));
  }
}

/**
 * A GPT language model. `forward(ids)` gives next-token logits; `loss(ids, targets)` the mean
 * cross-entropy; `generate` / `generateStream` continue a prompt (see src/generation).
 *
 * Shape: ids (B, T) int32 with T ≤ blockSize → logits (B, T, V).
 *
 * Attributes: `transformer.wte.weight` (V, C), `transformer.wpe.weight` (blockSize, C), per block
 * `attn.c_attn.weight` (C, 3C), `attn.c_proj.weight` (C, C), `mlp.c_fc.weight` (C, 4C),
 * `mlp.c_proj.weight` (4C, C) plus biases and layer norms. Initialized as nanoGPT: weights N(0, 0.02),
 * the residual output projections (c_proj) N(0, 0.02/√(2·nLayer)), biases 0, layer norms 1 and 0.
 *
 * Example: `new GPT('gptNano').forward(randint(0, 65, [2, 8]))` has shape [2, 8, 65].
 */
export class GPT extends Module implements CausalLM {
  readonly config: GPTConfig;
  readonly transformer: GPTBody;
  /** Generation defaults from a checkpoint (eos/pad ids), used unless the caller overrides them. */
  generationDefaults: Partial<GenerationOptions> = {};
  /** The checkpoint's tokenizer, when it came with one. */
  tokenizer: Tokenizer | null = null;

  constructor(config: Partial<GPTConfig> | GPTPreset = {}, opts: GPTOptions = {}) {
    super();
    this.config = resolveConfig(config);
    this.transformer = this.registerModule('transformer', skipInit(() => new GPTBody(this.config)));
    if (opts.init ?? true) this.initWeights(opts.generator);
  }

  /**
   * A Hugging Face GPT-2 checkpoint: a folder with config.json, model.safetensors and (optionally)
   * tokenizer files, or a hub id ("gpt2", "org/name") fetched into the hub cache (HF_HOME, HF_ENDPOINT).
   * The model is returned in eval mode, with the checkpoint's EOS as its generation default.
   */
  static fromPretrained(dirOrId: string, opts: FromPretrainedOptions = {}): Promise<GPT> {
    return loadPretrainedGPT(dirOrId, opts);
  }

  /** Writes the model in Hugging Face's layout (config.json, model.safetensors, tokenizer files). */
  savePretrained(dir: string): void {
    savePretrainedGPT(this, dir);
  }

  get maxPositions(): number {
    return this.config.blockSize;
  }

  /**
   * nanoGPT's initialization, draw for draw, so that a seed gives the weights nanoGPT's model.py gets
   * after `torch.manual_seed` with the same seed (lmkit's generator is PyTorch's):
   * 1. PyTorch constructs the modules with their defaults: N(0, 1) embeddings, kaiming-uniform Linear
   *    weights and uniform biases, lm_head last; all overwritten below, so only their draws matter.
   * 2. `_init_weights` over the modules in order: N(0, 0.02) weights, zero biases; lm_head's draw is the
   *    one wte keeps (they are tied).
   * 3. The residual projections (c_proj) again, N(0, 0.02/√(2·nLayer)).
   * Conv1D weights are stored [in, out], a Linear's transpose: they are drawn in a Linear's order.
   */
  private initWeights(generator: Generator = defaultGenerator): void {
    const { wte, wpe, h } = this.transformer;
    const projections = [...h].flatMap((b) => [b.attn.cAttn, b.attn.cProj, b.mlp.cFc, b.mlp.cProj]);
    normal_(wte.weight, 0, 1, generator);
    normal_(wpe.weight, 0, 1, generator);
    for (const p of projections) generator.discard(p.weight.size + (p.bias?.size ?? 0));
    generator.discard(wte.weight.size);

    normal_(wte.weight, 0, 0.02, generator);
    normal_(wpe.weight, 0, 0.02, generator);
    for (const p of projections) {
      normalAsLinear_(p.weight, 0.02, generator);
      if (p.bias) zeros_(p.bias);
    }
    normal_(wte.weight, 0, 0.02, generator);

    const residualStd = 0.02 / Math.sqrt(2 * this.config.nLayer);
    for (const b of h) for (const p of [b.attn.cProj, b.mlp.cProj]) normalAsLinear_(p.weight, residualStd, generator);
  }

  override forward(ids: Tensor, opts: CausalLMForwardOptions = {}): Tensor {
    const [B, T] = ids.shape;
    if (ids.ndim !== 2) fail('ShapeMismatch', `GPT: expected ids of shape [B, T], got [${ids.shape.join(', ')}]`);
    const cache = opts.cache ? this.ownCache(opts.cache, B) : null;
    const past = cache ? cache.length : 0;
    if (past + T > this.config.blockSize) {
      fail('InvalidArgument', `GPT: ${past + T} positions exceed the block size ${this.config.blockSize}`);
    }
    // A cache keeps the keys and values it is given, so they must stay the caller's.
    return cache ? this.logits(ids, cache, opts) : privateIntermediates(() => this.logits(ids, null, opts));
  }

  private logits(ids: Tensor, cache: LayerKVCache | null, opts: CausalLMForwardOptions): Tensor {
    const [B, T] = ids.shape;
    const past = cache ? cache.length : 0;
    const { wte, wpe, drop, h, lnF } = this.transformer;
    const pos = opts.positionIds ?? arange(past, past + T); // (B, T) or (T)
    let x = drop.forward(add(wte.forward(ids), wpe.forward(pos))); // (B, T, C)
    const pass: PassContext = { cache, mask: opts.attentionMask ? paddedCausalMask(opts.attentionMask, T) : null };
    for (const block of h) x = block.forward(x, pass);
    x = lnF.forward(x);
    if (opts.lastOnly) x = slice(x, null, [-1, null]); // (B, 1, C)
    const logits = matmul(reshape(x, [-1, this.config.nEmbd]), t(wte.weight)); // (B·T, V), tied to wte
    cache?.advance(T);
    return reshape(logits, [B, x.shape[1], this.config.vocabSize]);
  }

  /** Mean cross-entropy of the logits of `ids` against `targets` (B, T); targets equal to ignoreIndex are skipped. */
  loss(ids: Tensor, targets: Tensor, opts: { ignoreIndex?: number } = {}): Tensor {
    return privateIntermediates(() => {
      const logits = this.forward(ids);
      return crossEntropy(reshape(logits, [-1, this.config.vocabSize]), reshape(targets, [-1]), opts);
    });
  }

  /** A key/value cache for `batch` rows of up to `maxLength` positions. */
  newCache(batch: number, maxLength: number): KVCache {
    const { nLayer, nHead, nEmbd, blockSize } = this.config;
    return new LayerKVCache(nLayer, batch, nHead, Math.min(maxLength, blockSize), nEmbd / nHead);
  }

  private ownCache(cache: KVCache, batch: number): LayerKVCache {
    if (!(cache instanceof LayerKVCache) || cache.nLayer !== this.config.nLayer || cache.batch !== batch) {
      fail('InvalidArgument', 'GPT: the cache was not made by this model\'s newCache() for this batch size');
    }
    return cache;
  }

  /** Continues `ids` (see `generate` in src/generation): returns prompt + new tokens, int32 [B', T + n]. */
  generate(ids: TokenInput, options: Partial<GenerationOptions> = {}): Tensor {
    return generate(this, ids, options);
  }

  /** Streams tokens and text pieces of one continuation (see `generateStream`). */
  generateStream(ids: TokenInput, options: Partial<GenerationOptions> = {}): AsyncGenerator<StreamChunk, GenerationResult> {
    return generateStream(this, ids, options);
  }
}

/** The defaults overridden by a preset or by explicit fields; unknown fields and bad values are errors. */
export function resolveConfig(config: Partial<GPTConfig> | GPTPreset): GPTConfig {
  if (typeof config === 'string') {
    if (!(config in gptPresets)) fail('InvalidArgument', `GPT: unknown preset "${config}" (known: ${Object.keys(gptPresets).join(', ')})`);
    config = gptPresets[config];
  }
  const out = overrideConfig<GPTConfig>('GPT', gptDefaults, config, ['vocabSize', 'blockSize', 'nLayer', 'nHead', 'nEmbd']);
  if (out.gelu !== 'tanh' && out.gelu !== 'erf') fail('InvalidArgument', `GPT: gelu must be "tanh" or "erf", got "${out.gelu}"`);
  return out;
}

/**
 * Which keys each query may attend, for left-padded rows: key j is visible to query i when it is a real
 * token (keyMask 1) and not in the future (j ≤ i + past). A query always sees itself, so padding
 * queries (whose outputs nobody reads) do not produce NaN. keyMask (B, past + T) → (B, 1, T, past + T).
 */
export function paddedCausalMask(keyMask: Tensor, T: number): Tensor {
  const [B, Tk] = keyMask.shape;
  const past = Tk - T;
  const keys = keyMask.dense();
  const out = emptyTensor([B, 1, T, Tk], 'bool');
  const m = out.data;
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < T; i++) {
      const row = (b * T + i) * Tk;
      for (let j = 0; j <= i + past; j++) m[row + j] = keys[b * Tk + j] !== 0 || j === i + past ? 1 : 0;
    }
  }
  return out;
}
