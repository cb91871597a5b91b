import { fail } from '../errors.js';
import { Tensor } from '../tensor/tensor.js';
import { type CausalLM, type GenerationOptions, generationDefaults } from './types.js';

/** Token ids for generation: a [B, T] or [T] int tensor, one row of numbers, or rows of equal length. */
export type TokenInput = Tensor | readonly number[] | readonly (readonly number[])[];

/** The library defaults, overridden by the model's checkpoint defaults, overridden by `options`. */
export function resolveOptions(model: CausalLM, options: Partial<GenerationOptions> = {}): GenerationOptions {
  const o: GenerationOptions = { ...generationDefaults, ...model.generationDefaults };
  for (const [key, value] of Object.entries(options)) {
    if (!(key in generationDefaults)) fail('InvalidArgument', `generate: unknown option "${key}"`);
    if (value !== undefined) (o as unknown as Record<string, unknown>)[key] = value;
  }
  const int = (name: keyof GenerationOptions, min: number) => {
    const v = o[name] as number;
    if (!Number.isInteger(v) || v < min) fail('InvalidArgument', `generate: ${name} must be an integer ≥ ${min}, got ${v}`);
  };
  int('maxNewTokens', 0);
  int('minNewTokens', 0);
  int('topK', 0);
  int('noRepeatNgramSize', 0);
  int('numBeams', 1);
  int('numReturnSequences', 1);
  const range = (name: keyof GenerationOptions, ok: (v: number) => boolean, what: string) => {
    const v = o[name] as number;
    if (typeof v !== 'number' || !ok(v)) fail('InvalidArgument', `generate: ${name} must be ${what}, got ${v}`);
  };
  range('temperature', (v) => v > 0, '> 0 (use doSample: false for greedy decoding)');
  range('topP', (v) => v > 0 && v <= 1, 'in (0, 1]');
  range('typicalP', (v) => v > 0 && v <= 1, 'in (0, 1]');
  range('minP', (v) => v >= 0 && v <= 1, 'in [0, 1]');
  range('repetitionPenalty', (v) => v > 0, '> 0');
  if (o.stopStrings.length > 0 && !o.tokenizer) fail('InvalidArgument', 'generate: stopStrings need a tokenizer to decode the text');
  if (o.stopStrings.some((s) => s === '')) fail('InvalidArgument', 'generate: a stop string must not be empty');
  if (o.numBeams === 1 && !o.doSample && o.numReturnSequences > 1) {
    fail('InvalidArgument', `generate: greedy decoding returns one sequence per row, got numReturnSequences ${o.numReturnSequences} (sample or use beams)`);
  }
  if (o.numBeams > 1 && o.numReturnSequences > o.numBeams) {
    fail('InvalidArgument', `generate: numReturnSequences (${o.numReturnSequences}) must be ≤ numBeams (${o.numBeams})`);
  }
  for (const seq of o.badWordsIds) {
    if (seq.length === 0 || seq.some((t) => !Number.isInteger(t) || t < 0)) {
      fail('InvalidArgument', `generate: badWordsIds must be non-empty lists of token ids, got [${seq.join(', ')}]`);
    }
  }
  return o;
}

export function eosIdsOf(o: GenerationOptions): number[] {
  if (o.eosTokenId === null) return [];
  return typeof o.eosTokenId === 'number' ? [o.eosTokenId] : [...o.eosTokenId];
}

export function padIdOf(o: GenerationOptions): number {
  return o.padTokenId ?? eosIdsOf(o)[0] ?? 0;
}

function rowsOf(x: Tensor | readonly number[] | readonly (readonly number[])[], what: string): number[][] {
  let rows: number[][];
  if (x instanceof Tensor) {
    if (x.ndim !== 1 && x.ndim !== 2) fail('ShapeMismatch', `generate: ${what} must be [B, T] or [T], got [${x.shape.join(', ')}]`);
    const list = x.tolist() as number[] | number[][];
    rows = x.ndim === 1 ? [list as number[]] : (list as number[][]);
  } else if (x.length > 0 && typeof x[0] === 'number') rows = [[...(x as readonly number[])]];
  else rows = (x as readonly (readonly number[])[]).map((r) => [...r]);
  if (rows.length === 0 || rows[0].length === 0) fail('InvalidArgument', `generate: ${what} is empty`);
  for (const r of rows) {
    if (r.length !== rows[0].length) fail('ShapeMismatch', `generate: ${what} rows must have one length (left-pad them), got ${rows[0].length} and ${r.length}`);
  }
  return rows;
}

/** The prompt rows, and the attention mask rows when some prompt is padded (null when none is). */
export function promptRows(input: TokenInput, o: GenerationOptions): { rows: number[][]; mask: number[][] | null } {
  const rows = rowsOf(input, 'input ids');
  if (o.attentionMask === null) return { rows, mask: null };
  const mask = rowsOf(o.attentionMask, 'attentionMask').map((r) => r.map((v) => (v ? 1 : 0)));
  if (mask.length !== rows.length || mask[0].length !== rows[0].length) {
    fail('ShapeMismatch', `generate: attentionMask must match the ids [${rows.length}, ${rows[0].length}], got [${mask.length}, ${mask[0].length}]`);
  }
  return { rows, mask: mask.every((r) => r.every((v) => v === 1)) ? null : mask };
}
