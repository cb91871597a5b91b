/**
 * The "module" parity kind: builds an nn module from its case description alone (`module` plus its
 * constructor arguments), loads `param.*` as its state dict (strict), calls it as the case's `call`
 * says (e.g. `m(x, (h0, c0))`, `m(q, q, q, attn_mask=attn_mask, need_weights=True)`), compares the
 * flattened outputs `out.<i>`, then the gradients of Σ_i sum(out_i · cotangent.i) for every float input
 * (`grad.<input>`) and parameter (`grad.param.<name>`).
 */
import { backward } from '../autograd/graph.js';
import { add, mul, sum } from '../autograd/ops/index.js';
import { fail, LmkitError } from '../errors.js';
import { isFloat } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import {
  CrossEntropyLoss, Embedding, GRU, LayerNorm, Linear, LSTM, Module, MSELoss, MultiheadAttention, NLLLoss, RNN,
  Transformer, TransformerDecoderLayer, TransformerEncoderLayer,
} from '../nn/index.js';
import { CaseComparison, type CaseResult, type ParityCase, registerKind, skipped } from './registry.js';

/** Fields of a case that describe the case rather than the module's arguments. */
const CASE_FIELDS = new Set(['file', 'name', 'kind', 'module', 'call', 'outputs_are', 'outputs', 'note']);

type Args = Record<string, unknown>;

interface ModuleSpec {
  /** PyTorch's positional constructor arguments, in order (required). */
  positional: string[];
  /** The other arguments this builder understands (snake_case, as the case spells them). */
  options: string[];
  build(pos: unknown[], opts: Args): Module;
}

/** snake_case → camelCase ("key_padding_mask" → "keyPaddingMask"). */
function camel(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function camelOptions(args: Args): Args {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [camel(k), v]));
}

const RNN_OPTIONS = ['num_layers', 'bias', 'batch_first', 'dropout', 'bidirectional'];
const LAYER_OPTIONS = ['dim_feedforward', 'dropout', 'activation', 'layer_norm_eps', 'batch_first', 'norm_first', 'bias'];

/**
 * The design document's generator, `fc(lstm(embedding(ids))[0])`, with parameters under `embedding.`,
 * `lstm.` and `fc.` (the parity case `LSTMGenerator`).
 */
class LSTMGenerator extends Module<[Tensor], Tensor> {
  readonly embedding: Embedding;
  readonly lstm: LSTM;
  readonly fc: Linear;

  constructor(vocabSize: number, embeddingDim: number, hiddenDim: number, opts: { numLayers?: number; batchFirst?: boolean } = {}) {
    super();
    this.embedding = this.registerModule('embedding', new Embedding(vocabSize, embeddingDim));
    this.lstm = this.registerModule('lstm', new LSTM(embeddingDim, hiddenDim, { numLayers: opts.numLayers ?? 1, batchFirst: opts.batchFirst ?? true }));
    this.fc = this.registerModule('fc', new Linear(hiddenDim, vocabSize));
  }

  override forward(ids: Tensor): Tensor {
    const [out] = this.lstm.forward(this.embedding.forward(ids));
    return this.fc.forward(out);
  }
}

const MODULES: Record<string, ModuleSpec> = {
  Linear: { positional: ['in_features', 'out_features'], options: ['bias'], build: ([i, o], a) => new Linear(i as number, o as number, a) },
  Embedding: {
    positional: ['num_embeddings', 'embedding_dim'], options: ['padding_idx'],
    build: ([n, d], a) => new Embedding(n as number, d as number, a),
  },
  LayerNorm: {
    positional: ['normalized_shape'], options: ['eps', 'elementwise_affine', 'bias'],
    build: ([s], a) => new LayerNorm(s as number | number[], a),
  },
  RNN: {
    positional: ['input_size', 'hidden_size'], options: [...RNN_OPTIONS, 'nonlinearity'],
    build: ([i, h], a) => new RNN(i as number, h as number, a),
  },
  LSTM: { positional: ['input_size', 'hidden_size'], options: RNN_OPTIONS, build: ([i, h], a) => new LSTM(i as number, h as number, a) },
  GRU: { positional: ['input_size', 'hidden_size'], options: RNN_OPTIONS, build: ([i, h], a) => new GRU(i as number, h as number, a) },
  MultiheadAttention: {
    positional: ['embed_dim', 'num_heads'], options: ['dropout', 'bias', 'batch_first'],
    build: ([e, h], a) => new MultiheadAttention(e as number, h as number, a),
  },
  TransformerEncoderLayer: {
    positional: ['d_model', 'nhead'], options: LAYER_OPTIONS,
    build: ([d, h], a) => new TransformerEncoderLayer(d as number, h as number, a),
  },
  TransformerDecoderLayer: {
    positional: ['d_model', 'nhead'], options: LAYER_OPTIONS,
    build: ([d, h], a) => new TransformerDecoderLayer(d as number, h as number, a),
  },
  Transformer: {
    positional: [], options: ['d_model', 'nhead', 'num_encoder_layers', 'num_decoder_layers', ...LAYER_OPTIONS],
    build: (_, a) => new Transformer(a),
  },
  LSTMGenerator: {
    positional: ['vocab_size', 'embedding_dim', 'hidden_dim'], options: ['num_layers', 'batch_first'],
    build: ([v, e, h], a) => new LSTMGenerator(v as number, e as number, h as number, a),
  },
  CrossEntropyLoss: { positional: [], options: ['ignore_index', 'label_smoothing', 'reduction'], build: (_, a) => new CrossEntropyLoss(a) },
  NLLLoss: { positional: [], options: ['ignore_index', 'reduction'], build: (_, a) => new NLLLoss(a) },
  MSELoss: { positional: [], options: ['reduction'], build: (_, a) => new MSELoss(a) },
};

/** Names of the modules the module kind can build. */
export const PARITY_MODULES = Object.keys(MODULES);

/** Builds the case's module, or says why it cannot (an unknown module or argument). */
function buildModule(c: ParityCase): Module | string {
  const name = c.module;
  if (typeof name !== 'string') fail('InvalidFile', `parity case ${c.name}: a module case needs a string "module"`);
  const spec = MODULES[name];
  if (!spec) return `module "${name}" is not implemented by the parity runner`;
  const args = Object.fromEntries(Object.entries(c).filter(([k]) => !CASE_FIELDS.has(k)));
  const unknown = Object.keys(args).filter((k) => !spec.positional.includes(k) && !spec.options.includes(k));
  if (unknown.length) return `${name}: argument(s) ${unknown.join(', ')} not supported by the parity runner`;
  const pos = spec.positional.map((k) => {
    if (!(k in args)) fail('InvalidFile', `parity case ${c.name}: ${name} needs "${k}"`);
    return args[k];
  });
  const opts = Object.fromEntries(Object.entries(args).filter(([k, v]) => !spec.positional.includes(k) && v !== null));
  return spec.build(pos, camelOptions(opts));
}

/** One argument of the call: an input's name, a tuple, or a Python literal. */
type CallArg = { name: string } | { tuple: CallArg[] } | { literal: unknown };

interface ParsedCall {
  positional: CallArg[];
  keywords: [string, CallArg][];
}

/** Parses `m(a, (b, c), key=value, flag=True)`. */
export function parseCall(call: string): ParsedCall {
  const src = call.trim();
  let i = 0;
  const bad = (what: string): never => fail('InvalidFile', `module call "${call}": ${what} at offset ${i}`);
  const space = () => {
    while (i < src.length && /\s/.test(src[i])) i++;
  };
  const ident = (): string => {
    space();
    const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(src.slice(i));
    if (!m) return bad('expected a name');
    i += m[0].length;
    return m[0];
  };
  const value = (): CallArg => {
    space();
    if (src[i] === '(') {
      i++;
      const items: CallArg[] = [];
      space();
      while (src[i] !== ')') {
        items.push(value());
        space();
        if (src[i] === ',') i++;
        else if (src[i] !== ')') bad('expected "," or ")"');
        space();
      }
      i++;
      return { tuple: items };
    }
    const num = /^-?\d+(\.\d*)?(e-?\d+)?/.exec(src.slice(i));
    if (num) {
      i += num[0].length;
      return { literal: Number(num[0]) };
    }
    const str = /^(['"])(.*?)\1/.exec(src.slice(i));
    if (str) {
      i += str[0].length;
      return { literal: str[2] };
    }
    const id = ident();
    if (id === 'True') return { literal: true };
    if (id === 'False') return { literal: false };
    if (id === 'None') return { literal: null };
    return { name: id };
  };
  ident();
  space();
  if (src[i] !== '(') bad('expected "("');
  i++;
  const out: ParsedCall = { positional: [], keywords: [] };
  space();
  while (src[i] !== ')') {
    if (i >= src.length) bad('unterminated call');
    const kw = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)/.exec(src.slice(i));
    if (kw) {
      i += kw[0].length;
      out.keywords.push([kw[1], value()]);
    } else {
      if (out.keywords.length) bad('positional argument after a keyword');
      out.positional.push(value());
    }
    space();
    if (src[i] === ',') i++;
    else if (src[i] !== ')') bad('expected "," or ")"');
    space();
  }
  return out;
}

/** PyTorch's nested output tuples, flattened in order (None entries dropped). */
function flatten(out: unknown, into: Tensor[] = []): Tensor[] {
  if (out instanceof Tensor) into.push(out);
  else if (Array.isArray(out)) for (const o of out) flatten(o, into);
  else if (out !== null && out !== undefined) fail('Unsupported', `module output of unexpected type ${typeof out}`);
  return into;
}

function runModule(c: ParityCase, tensors: Map<string, Tensor>): CaseResult {
  const built = buildModule(c);
  if (typeof built === 'string') return skipped(built);
  const module = built;
  const stateDict = new Map<string, Tensor>();
  for (const [k, t] of tensors) if (k.startsWith('param.')) stateDict.set(k.slice('param.'.length), t);
  module.loadStateDict(stateDict);
  module.eval(); // dropout is 0 in every case; eval also makes that explicit

  const inputs = new Map<string, Tensor>();
  const resolve = (a: CallArg): unknown => {
    if ('literal' in a) return a.literal;
    if ('tuple' in a) return a.tuple.map(resolve);
    const t = tensors.get(`input.${a.name}`);
    if (!t) fail('InvalidFile', `parity case ${c.name}: the call names "${a.name}", but ${c.file} has no input.${a.name}`);
    if (isFloat(t.dtype)) {
      t.requiresGrad = true;
      t.grad = null;
    }
    inputs.set(a.name, t);
    return t;
  };
  const call = parseCall(String(c.call ?? 'm(x)'));
  const args = call.positional.map(resolve);
  if (call.keywords.length) args.push(Object.fromEntries(call.keywords.map(([k, v]) => [camel(k), resolve(v)])));
  const outputs = flatten(module.forward(...args));

  const check = new CaseComparison();
  const names = Array.isArray(c.outputs_are) ? (c.outputs_are as string[]) : outputs.map((_, i) => String(i));
  const count = typeof c.outputs === 'number' ? c.outputs : names.length;
  if (outputs.length !== count) {
    check.fail(`expected ${count} outputs (${names.join(', ')}), got ${outputs.length}`);
    return check.result();
  }
  for (let i = 0; i < count; i++) {
    const expected = tensors.get(`out.${i}`);
    if (!expected) fail('InvalidFile', `parity case ${c.name}: no out.${i} in ${c.file}`);
    check.check(`out.${i} (${names[i]})`, outputs[i], expected);
  }

  let objective: Tensor | null = null;
  for (let i = 0; i < count; i++) {
    const cot = tensors.get(`cotangent.${i}`);
    if (!cot || !outputs[i].requiresGrad) continue;
    const term = sum(mul(outputs[i], cot));
    objective = objective ? add(objective, term) : term;
  }
  if (!objective) return check.result();
  backward(objective);
  for (const [name, t] of inputs) {
    const g = tensors.get(`grad.${name}`);
    if (g) check.checkGrad(`grad.${name}`, t.grad, g);
  }
  for (const [name, p] of module.namedParameters()) {
    const g = tensors.get(`grad.param.${name}`);
    if (g) check.checkGrad(`grad.param.${name}`, p.grad, g);
  }
  for (const k of tensors.keys()) {
    if (k.startsWith('grad.param.') && !module.namedParameters().some(([n]) => `grad.param.${n}` === k)) {
      check.fail(`${k} is stored but the module has no such parameter`);
    }
  }
  return check.result();
}

registerKind('module', (c, ctx) => {
  if (!ctx.file) fail('InvalidFile', `parity case ${c.name}: a module case needs a file`);
  try {
    return runModule(c, ctx.file.tensors);
  } catch (e) {
    if (e instanceof LmkitError && e.code === 'StateDictMismatch') {
      return { status: 'fail', maxErr: Infinity, detail: e.message };
    }
    throw e;
  }
});
