import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { UsageError } from '../usage.js';

/** Everything `lmkit train` can be told, with nanoGPT-like defaults for a small character-level model. */
export interface TrainConfig {
  /** A text file; empty means the embedded default corpus (Moby Dick). */
  data: string;
  /** 'char', 'bpe:VOCAB' (train a byte-level BPE of that size) or a directory holding a tokenizer. */
  tokenizer: string;
  arch: 'gpt' | 'lstm' | 'gru' | 'rnn';
  /** GPT's GELU: 'erf' (exact, nanoGPT's nn.GELU()) or 'tanh' (GPT-2's approximation). */
  gelu: 'erf' | 'tanh';
  nLayer: number;
  nHead: number;
  nEmbd: number;
  /** Hidden size of recurrent models. */
  nHidden: number;
  blockSize: number;
  batchSize: number;
  maxSteps: number;
  lr: number;
  minLr: number;
  warmupSteps: number;
  lrDecaySteps: number;
  beta1: number;
  beta2: number;
  weightDecay: number;
  gradClip: number;
  dropout: number;
  bias: boolean;
  valFraction: number;
  evalInterval: number;
  evalIters: number;
  seed: number;
  /** Kernel threads; 0 = every core. */
  threads: number;
  out: string;
  metricsOut: string;
  resume: boolean;
  /** Print a generated sample when training ends. */
  sample: boolean;
  /** Stop after this many seconds (0 = no limit). */
  maxTime: number;
}

export const trainDefaults: TrainConfig = {
  data: '',
  tokenizer: 'char',
  arch: 'gpt',
  gelu: 'erf',
  nLayer: 4,
  nHead: 4,
  nEmbd: 128,
  nHidden: 256,
  blockSize: 64,
  batchSize: 12,
  maxSteps: 2000,
  lr: 1e-3,
  minLr: 1e-4,
  warmupSteps: 100,
  lrDecaySteps: 2000,
  beta1: 0.9,
  beta2: 0.99,
  weightDecay: 0.1,
  gradClip: 1.0,
  dropout: 0,
  bias: false,
  valFraction: 0.1,
  evalInterval: 250,
  evalIters: 20,
  seed: 1337,
  threads: 0,
  out: 'out',
  metricsOut: '',
  resume: false,
  sample: false,
  maxTime: 0,
};

const ARCHES = ['gpt', 'lstm', 'gru', 'rnn'] as const;

/** `--n-layer` → `nLayer`. */
export function flagToKey(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

export function keyToFlag(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** Reads a JSON or YAML config file whose keys are TrainConfig keys (camelCase) or flag names (kebab/snake case). */
export function readConfigFile(file: string): Partial<TrainConfig> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--config: cannot read ${file}: ${(e as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = /\.ya?ml$/i.test(file) ? YAML.parse(text) : JSON.parse(text);
  } catch (e) {
    throw new UsageError(`--config: ${path.basename(file)} is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`--config: ${path.basename(file)} must hold an object of settings`);
  }
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(parsed)) {
    const key = flagToKey(rawKey.replace(/_/g, '-'));
    if (!(key in trainDefaults) || key === 'config') {
      throw new UsageError(`--config: unknown setting "${rawKey}" in ${path.basename(file)}`);
    }
    const expected = typeof trainDefaults[key as keyof TrainConfig];
    if (typeof value !== expected) {
      throw new UsageError(`--config: "${rawKey}" in ${path.basename(file)} must be a ${expected}, got ${JSON.stringify(value)}`);
    }
    out[key] = value;
  }
  return out as Partial<TrainConfig>;
}

/** Checks the values that flags and files cannot check by type alone. */
export function validateTrainConfig(c: TrainConfig): TrainConfig {
  const positive: (keyof TrainConfig)[] = ['nLayer', 'nEmbd', 'nHidden', 'blockSize', 'batchSize', 'evalIters'];
  for (const k of positive) {
    if (!Number.isInteger(c[k]) || (c[k] as number) < 1) throw new UsageError(`${keyToFlag(k)} must be a positive integer, got ${c[k]}`);
  }
  const nonNegativeInts: (keyof TrainConfig)[] = ['maxSteps', 'warmupSteps', 'lrDecaySteps', 'evalInterval', 'threads', 'seed'];
  for (const k of nonNegativeInts) {
    if (!Number.isInteger(c[k]) || (c[k] as number) < 0) throw new UsageError(`${keyToFlag(k)} must be a non-negative integer, got ${c[k]}`);
  }
  if (!ARCHES.includes(c.arch)) throw new UsageError(`--arch must be one of ${ARCHES.join(', ')}, got "${c.arch}"`);
  if (c.gelu !== 'erf' && c.gelu !== 'tanh') throw new UsageError(`--gelu must be erf or tanh, got "${c.gelu}"`);
  if (c.arch === 'gpt' && c.nEmbd % c.nHead !== 0) {
    throw new UsageError(`--n-embd (${c.nEmbd}) must be divisible by --n-head (${c.nHead})`);
  }
  if (!(c.lr > 0)) throw new UsageError(`--lr must be positive, got ${c.lr}`);
  if (!(c.minLr >= 0)) throw new UsageError(`--min-lr must be non-negative, got ${c.minLr}`);
  for (const k of ['beta1', 'beta2'] as const) {
    if (!(c[k] >= 0 && c[k] < 1)) throw new UsageError(`${keyToFlag(k)} must be in [0, 1), got ${c[k]}`);
  }
  if (!(c.dropout >= 0 && c.dropout < 1)) throw new UsageError(`--dropout must be in [0, 1), got ${c.dropout}`);
  if (!(c.valFraction > 0 && c.valFraction < 1)) throw new UsageError(`--val-fraction must be in (0, 1), got ${c.valFraction}`);
  if (!(c.weightDecay >= 0)) throw new UsageError(`--weight-decay must be non-negative, got ${c.weightDecay}`);
  if (!(c.gradClip >= 0)) throw new UsageError(`--grad-clip must be non-negative, got ${c.gradClip}`);
  if (!(c.maxTime >= 0)) throw new UsageError(`--max-time must be non-negative, got ${c.maxTime}`);
  if (!/^(char|bpe:\d+)$/.test(c.tokenizer) && !fs.existsSync(c.tokenizer)) {
    throw new UsageError(`--tokenizer must be "char", "bpe:VOCAB" or a tokenizer directory, got "${c.tokenizer}"`);
  }
  return c;
}
