import { LmkitError } from '../errors.js';
import type { DType } from './dtype.js';
import { jsBackend } from './js/index.js';
import { loadAddon, type NativeAddon } from './native/addon.js';
import { createNativeBackend } from './native/index.js';
import type { Backend } from './types.js';

export type { Backend } from './types.js';
export { jsBackend };

let active: Backend | null = null;
let nativeBackend: Backend | null | undefined;
let nativeAddon: NativeAddon | null = null;
let nativeProblem = '';

function tryNative(): Backend | null {
  if (nativeBackend !== undefined) return nativeBackend;
  const addon = loadAddon();
  if (typeof addon === 'string') {
    nativeProblem = addon;
    nativeBackend = null;
  } else {
    nativeAddon = addon;
    nativeBackend = createNativeBackend(addon);
  }
  return nativeBackend;
}

function defaultThreads(): number {
  const env = process.env.LMKIT_NUM_THREADS;
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) {
      throw new LmkitError('InvalidArgument', `LMKIT_NUM_THREADS must be a positive integer, got "${env}"`);
    }
    return n;
  }
  return 0; // the native pool's default: every core
}

function choose(): Backend {
  const wanted = process.env.LMKIT_BACKEND;
  if (wanted !== undefined && wanted !== '' && wanted !== 'js' && wanted !== 'native') {
    throw new LmkitError('InvalidArgument', `LMKIT_BACKEND must be "js" or "native", got "${wanted}"`);
  }
  if (wanted === 'js') return jsBackend;
  const native = tryNative();
  if (native) {
    const threads = defaultThreads();
    if (threads > 0) native.setNumThreads(threads);
    return native;
  }
  if (wanted === 'native') {
    throw new LmkitError('NativeUnavailable', `LMKIT_BACKEND=native, but the native backend is unavailable: ${nativeProblem}`);
  }
  process.stderr.write(`lmkit: using the js backend (${nativeProblem})\n`);
  return jsBackend;
}

/** The backend that runs float32 work. */
export function backend(): Backend {
  return active ?? (active = choose());
}

/** The backend for work of `dtype`: float64 and other non-float32 work always runs on the js reference. */
export function backendFor(dtype: DType): Backend {
  return dtype === 'float32' ? backend() : jsBackend;
}

/** Switches backends at run time ("js" or "native"); throws when native is unavailable. */
export function setBackend(name: 'js' | 'native'): Backend {
  if (name === 'js') return (active = jsBackend);
  const native = tryNative();
  if (!native) throw new LmkitError('NativeUnavailable', `the native backend is unavailable: ${nativeProblem}`);
  return (active = native);
}

/** Whether the native backend can be loaded here, and if not, why. */
export function nativeStatus(): { available: boolean; reason: string } {
  const native = tryNative();
  return { available: native !== null, reason: native ? '' : nativeProblem };
}

export function setNumThreads(n: number): void {
  backend().setNumThreads(n);
}

export function getNumThreads(): number {
  return backend().getNumThreads();
}

/**
 * Zeroed storage of `bytes` bytes backed by 2 MB pages where the native addon and the OS offer them (Linux
 * transparent huge pages), else null. For large long-lived arrays that are streamed whole, like weights
 * in a matrix-vector product: 4 KB pages would cost a TLB miss every 4 KB.
 */
export function hugePageBuffer(bytes: number): ArrayBuffer | null {
  if (process.env.LMKIT_HUGE_PAGES === '0') return null;
  tryNative();
  return nativeAddon?.allocHugePages?.(bytes) ?? null;
}
