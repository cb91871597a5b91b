import { jsBackend } from '../js/index.js';
import type { Backend } from '../types.js';
import type { NativeAddon } from './addon.js';
import { nativeElementwise } from './elementwise.js';
import { nativeGemm } from './gemm.js';
import { nativeNn } from './nn.js';
import { nativeRnn } from './rnn.js';

/**
 * The native backend: C++ kernels where they pay, the js kernels elsewhere (and for float64 work, which
 * the dispatcher never sends here). Each wrapper falls back to js for non-float32 arrays and for sizes
 * where the cost of calling into the addon exceeds the work.
 */
export function createNativeBackend(addon: NativeAddon): Backend {
  return {
    ...jsBackend,
    ...nativeElementwise(addon),
    ...nativeNn(addon),
    ...nativeRnn(addon),
    name: 'native',
    gemm: nativeGemm(addon),
    setNumThreads: (n) => addon.setNumThreads(n),
    getNumThreads: () => addon.getNumThreads(),
  };
}
