/**
 * The element types a safetensors file can declare, in the reference implementation's enum order
 * (increasing alignment): the writer sorts tensors by this order, descending, then by name.
 */
export const SAFETENSORS_DTYPES = [
  'BOOL',
  'F4',
  'F6_E2M3',
  'F6_E3M2',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'C64',
  'F64',
  'I64',
  'U64',
] as const;

export type SafetensorsDType = (typeof SAFETENSORS_DTYPES)[number];

/** Bits per element (F4 and F6 pack several elements into a byte). */
export const DTYPE_BITS: Record<SafetensorsDType, number> = {
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
};

const ORDER = new Map<string, number>(SAFETENSORS_DTYPES.map((d, i) => [d, i]));

export function isSafetensorsDType(s: unknown): s is SafetensorsDType {
  return typeof s === 'string' && ORDER.has(s);
}

/** Position in the reference enum: larger means stored first. */
export function dtypeOrder(d: SafetensorsDType): number {
  return ORDER.get(d)!;
}

/** Types lmkit reads (sub-byte floats and complex numbers are refused). */
export function isReadable(d: SafetensorsDType): boolean {
  return d !== 'F4' && d !== 'F6_E2M3' && d !== 'F6_E3M2' && d !== 'C64';
}

export const INTEGER_DTYPES: ReadonlySet<SafetensorsDType> = new Set(['U8', 'I8', 'I16', 'U16', 'I32', 'U32', 'I64', 'U64']);
export const FLOAT_DTYPES: ReadonlySet<SafetensorsDType> = new Set(['F16', 'BF16', 'F32', 'F64', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0']);

/** Inclusive value range of each integer type (as numbers; 64-bit bounds are only used for messages). */
export const INTEGER_RANGE: Partial<Record<SafetensorsDType, [number, number]>> = {
  U8: [0, 255],
  I8: [-128, 127],
  U16: [0, 65535],
  I16: [-32768, 32767],
  U32: [0, 4294967295],
  I32: [-2147483648, 2147483647],
  U64: [0, Number.MAX_SAFE_INTEGER],
  I64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};
