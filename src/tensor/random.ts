/**
 * Seeded pseudo-random numbers, the same numbers PyTorch's CPU generator gives for the same seed: a 32-bit
 * Mersenne Twister (MT19937) seeded as `torch.manual_seed` seeds it, and PyTorch's transformations from
 * its raw words to floats, normals and integers. So `manualSeed(s)` followed by `rand`, `randn`, `randint`
 * or a module's initialization reproduces what PyTorch draws after `torch.manual_seed(s)` (to the last bit
 * for uniforms and integers, within a float32 ulp for normals). Dropout masks and multinomial sampling
 * draw from the same stream but do not follow PyTorch's algorithms. `getState`/`setState` let checkpoints
 * resume the exact stream.
 */
export interface GeneratorState {
  mt: number[];
  index: number;
  /** The second value of the last Box-Muller pair, PyTorch's cached next normal sample. */
  spareNormal: number | null;
}

const N = 624;
const M = 397;
const TWO_POW_32 = 4294967296;
const TWO_POW_24 = 16777216;
const TWO_POW_53 = 9007199254740992;
const { fround } = Math;

export class Generator {
  private readonly mt = new Uint32Array(N);
  private index = N;
  private spare: number | null = null;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Seeds as `torch.manual_seed` does: MT19937's init_genrand with the low 32 bits of the seed. */
  manualSeed(seed: number): this {
    const mt = this.mt;
    mt[0] = Number(BigInt.asUintN(32, BigInt(Math.floor(seed))));
    for (let j = 1; j < N; j++) {
      const prev = mt[j - 1] ^ (mt[j - 1] >>> 30);
      mt[j] = Math.imul(1812433253, prev) + j;
    }
    this.index = N;
    this.spare = null;
    return this;
  }

  private twist(): void {
    const mt = this.mt;
    for (let k = 0; k < N; k++) {
      const y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
      mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }

  /** A uniform 32-bit unsigned integer (PyTorch's `random()`). */
  nextUint32(): number {
    if (this.index >= N) this.twist();
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Skips `count` 32-bit words, as std::mersenne_twister_engine::discard does. */
  discard(count: number): void {
    let left = count;
    while (left > 0) {
      if (this.index >= N) this.twist();
      const step = Math.min(left, N - this.index);
      this.index += step;
      left -= step;
    }
  }

  /** Uniform in [0, 1) with 53 random bits: PyTorch's float64 uniform (the low 53 bits of `random64()`). */
  random(): number {
    const hi = this.nextUint32();
    const lo = this.nextUint32();
    return ((hi & 0x1fffff) * TWO_POW_32 + lo) / TWO_POW_53;
  }

  /** Uniform in [0, 1) with 24 random bits: PyTorch's float32 uniform. */
  private random24(): number {
    return (this.nextUint32() & 0xffffff) / TWO_POW_24;
  }

  /**
   * Standard normal, PyTorch's scalar sampler: Box-Muller on two float64 uniforms, the second value of
   * each pair kept for the next call.
   */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    const u1 = this.random();
    const u2 = this.random();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** Uniform integer in [low, high), as `torch.randint` draws it (one word modulo the range). */
  randint(low: number, high: number): number {
    const span = high - low;
    if (!(span > 0)) throw new RangeError(`randint: empty range [${low}, ${high})`);
    if (span < TWO_POW_32) return low + (this.nextUint32() % span);
    const word = (BigInt(this.nextUint32()) << 32n) | BigInt(this.nextUint32());
    return low + Number(word % BigInt(span));
  }

  /**
   * Fills out[start, end) with uniform samples in [low, high) as `Tensor.uniform_` does: 24 random bits
   * and float32 arithmetic for float32 storage, 53 bits for a Float64Array.
   */
  fillUniform(out: { [i: number]: number }, start: number, end: number, low = 0, high = 1): void {
    if (out instanceof Float64Array) {
      for (let i = start; i < end; i++) out[i] = this.random() * (high - low) + low;
      return;
    }
    const from = fround(low);
    const width = fround(fround(high) - from);
    // PyTorch computes x·(to − from) + from as one fused multiply-add (its AVX2 kernels), hence one rounding.
    for (let i = start; i < end; i++) out[i] = fround(this.random24() * width + from);
  }

  /**
   * Fills out[start, end) with normal samples as `Tensor.normal_` does: from 16 values on, uniforms
   * turned into normals 16 at a time by Box-Muller (the last, partial group redrawn over the final 16
   * slots); fewer values come from the scalar sampler.
   */
  fillNormal(out: { [i: number]: number }, start: number, end: number, mean = 0, std = 1): void {
    const n = end - start;
    const double = out instanceof Float64Array;
    const round = double ? (x: number) => x : fround;
    if (n < 16) {
      for (let i = start; i < end; i++) out[i] = round(this.normal() * std + mean);
      return;
    }
    const draw = double ? () => this.random() : () => this.random24();
    for (let i = start; i < end; i++) out[i] = draw();
    const fill16 = (at: number) => {
      for (let j = 0; j < 8; j++) {
        const u1 = round(1 - out[at + j]);
        const u2 = out[at + j + 8];
        const radius = round(Math.sqrt(round(-2 * round(Math.log(u1)))));
        const theta = round(2 * Math.PI * u2);
        out[at + j] = round(round(round(radius * round(Math.cos(theta))) * std) + mean);
        out[at + j + 8] = round(round(round(radius * round(Math.sin(theta))) * std) + mean);
      }
    };
    for (let at = start; at + 16 <= end; at += 16) fill16(at);
    if (n % 16 !== 0) {
      for (let i = end - 16; i < end; i++) out[i] = draw();
      fill16(end - 16);
    }
  }

  getState(): GeneratorState {
    return { mt: Array.from(this.mt), index: this.index, spareNormal: this.spare };
  }

  setState(state: GeneratorState): void {
    if (!Array.isArray(state?.mt) || state.mt.length !== N || !Number.isInteger(state.index) || state.index < 0 || state.index > N) {
      throw new RangeError(`Generator.setState: expected { mt: ${N} words, index 0..${N}, spareNormal }, got ${JSON.stringify(state)?.slice(0, 80)}`);
    }
    this.mt.set(state.mt);
    this.index = state.index;
    this.spare = state.spareNormal ?? null;
  }
}

export const defaultGenerator = new Generator(0);

/** Seeds the global generator that random ops use by default (PyTorch's `torch.manual_seed`). */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
