import { fail } from '../errors.js';

/**
 * `defaults` with the fields of `given` in place of theirs. Unknown fields, values of another type than
 * the default's and `sizes` that are not positive integers are 'InvalidArgument' errors naming `model`.
 */
export function overrideConfig<C extends object>(model: string, defaults: C, given: Partial<C>, sizes: readonly (keyof C & string)[]): C {
  const out = { ...defaults };
  for (const [key, value] of Object.entries(given)) {
    if (!(key in defaults)) fail('InvalidArgument', `${model}: unknown config field "${key}"`);
    if (value === undefined) continue;
    const want = typeof defaults[key as keyof C];
    if (typeof value !== want) fail('InvalidArgument', `${model}: config field "${key}" must be a ${want}, got ${JSON.stringify(value)}`);
    (out as Record<string, unknown>)[key] = value;
  }
  for (const key of sizes) {
    const v = out[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) fail('InvalidArgument', `${model}: ${key} must be a positive integer, got ${String(v)}`);
  }
  return out;
}
