import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled addon's functions, as native/src/addon.cc exports them. */
export interface NativeAddon {
  cpuHasAvx2Fma(): boolean;
  [kernel: string]: (...args: never[]) => unknown;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const candidates = [
  path.resolve(here, '../../../build/Release/lmkit_native.node'),
  path.resolve(here, '../../../build/Debug/lmkit_native.node'),
];

/** Loads the addon, or returns the reason it cannot be used. */
export function loadAddon(): NativeAddon | string {
  const require = createRequire(import.meta.url);
  let lastError = 'the native addon was not built (run `npm install` with a C++ toolchain)';
  for (const file of candidates) {
    try {
      const addon = require(file) as NativeAddon;
      if (!addon.cpuHasAvx2Fma()) return 'this CPU lacks AVX2/FMA';
      return addon;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') lastError = String((e as Error).message);
    }
  }
  return lastError;
}
