/**
 * PyTorch's parameter initializations (torch.nn.init), drawing from a seeded Generator (the global one
 * unless given). Each fills the tensor's storage in place, without recording a graph, and returns it.
 */
import { fail } from '../errors.js';
import { defaultGenerator, type Generator } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';

export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu';

/** torch.nn.init.calculate_gain. */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
  }
}

/** fan_in = size(1)·receptive field, fan_out = size(0)·receptive field (needs 2+ dims). */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.ndim < 2) fail('InvalidArgument', `init: fan in and fan out need a tensor of 2+ dimensions, got shape [${t.shape.join(', ')}]`);
  let receptive = 1;
  for (let i = 2; i < t.ndim; i++) receptive *= t.shape[i];
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

function fill(t: Tensor, f: () => number): Tensor {
  if (!t.isContiguous()) fail('InvalidArgument', 'init: expected a contiguous tensor');
  const d = t.data;
  const end = t.offset + t.size;
  for (let i = t.offset; i < end; i++) d[i] = f();
  return t;
}

function contiguousRange(t: Tensor): [number, number] {
  if (!t.isContiguous()) fail('InvalidArgument', 'init: expected a contiguous tensor');
  return [t.offset, t.offset + t.size];
}

let randomInitSkipped = false;

/**
 * Builds modules without drawing their random initial weights (they stay zero): for models whose
 * weights are about to be loaded from a checkpoint, like PyTorch's `skip_init`. Constant
 * initializations (LayerNorm's ones) still apply.
 */
export function skipInit<T>(build: () => T): T {
  const prev = randomInitSkipped;
  randomInitSkipped = true;
  try {
    return build();
  } finally {
    randomInitSkipped = prev;
  }
}

/** U(low, high). */
export function uniform_(t: Tensor, low = 0, high = 1, generator: Generator = defaultGenerator): Tensor {
  if (!randomInitSkipped) generator.fillUniform(t.data, ...contiguousRange(t), low, high);
  return t;
}

/** N(mean, std²). */
export function normal_(t: Tensor, mean = 0, std = 1, generator: Generator = defaultGenerator): Tensor {
  if (!randomInitSkipped) generator.fillNormal(t.data, ...contiguousRange(t), mean, std);
  return t;
}

export function constant_(t: Tensor, value: number): Tensor {
  return fill(t, () => value);
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (leaky_relu); default 0. */
  a?: number;
  mode?: 'fan_in' | 'fan_out';
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

/** U(-bound, bound) with bound = gain · sqrt(3 / fan_mode) (He et al., 2015). */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const fan = (opts.mode ?? 'fan_in') === 'fan_in' ? fanIn : fanOut;
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  const bound = gain * Math.sqrt(3 / fan);
  return uniform_(t, -bound, bound, opts.generator);
}

/** N(0, std²) with std = gain / sqrt(fan_mode). */
export function kaimingNormal_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const fan = (opts.mode ?? 'fan_in') === 'fan_in' ? fanIn : fanOut;
  const gain = calculateGain(opts.nonlinearity ?? 'leaky_relu', opts.a ?? 0);
  return normal_(t, 0, gain / Math.sqrt(fan), opts.generator);
}

/** U(-a, a) with a = gain · sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio, 2010). */
export function xavierUniform_(t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const a = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -a, a, generator);
}

/** N(0, std²) with std = gain · sqrt(2 / (fan_in + fan_out)). */
export function xavierNormal_(t: Tensor, gain = 1, generator: Generator = defaultGenerator): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)), generator);
}
