import type { FloatArray } from '../dtype.js';
import { jsBackend } from '../js/index.js';
import type { Backend } from '../types.js';
import type { NativeAddon } from './addon.js';

/** Steps smaller than this (batch · hidden) stay in js. */
const MIN_ELEMENTS = 16;

const allF32 = (...xs: FloatArray[]): boolean => xs.every((x) => x instanceof Float32Array);

export function nativeRnn(addon: NativeAddon): Pick<Backend, 'lstmCellForward' | 'lstmCellBackward' |
  'gruCellForward' | 'gruCellBackward'> {
  return {
    lstmCellForward(gates, cPrev, c, h, batch, hidden): void {
      if (batch * hidden < MIN_ELEMENTS || !allF32(gates, cPrev, c, h)) {
        jsBackend.lstmCellForward(gates, cPrev, c, h, batch, hidden);
        return;
      }
      addon.lstmCellForward(gates as Float32Array, cPrev as Float32Array, c as Float32Array, h as Float32Array,
        batch, hidden);
    },
    lstmCellBackward(gates, cPrev, c, gh, gc, gGates, gcPrev, batch, hidden): void {
      if (batch * hidden < MIN_ELEMENTS || !allF32(gates, cPrev, c, gh, gc, gGates, gcPrev)) {
        jsBackend.lstmCellBackward(gates, cPrev, c, gh, gc, gGates, gcPrev, batch, hidden);
        return;
      }
      addon.lstmCellBackward(gates as Float32Array, cPrev as Float32Array, c as Float32Array, gh as Float32Array,
        gc as Float32Array, gGates as Float32Array, gcPrev as Float32Array, batch, hidden);
    },
    gruCellForward(gi, gh, hPrev, h, batch, hidden): void {
      if (batch * hidden < MIN_ELEMENTS || !allF32(gi, gh, hPrev, h)) {
        jsBackend.gruCellForward(gi, gh, hPrev, h, batch, hidden);
        return;
      }
      addon.gruCellForward(gi as Float32Array, gh as Float32Array, hPrev as Float32Array, h as Float32Array,
        batch, hidden);
    },
    gruCellBackward(gates, gh, hPrev, gOut, gGi, gGh, gHPrev, batch, hidden): void {
      if (batch * hidden < MIN_ELEMENTS || !allF32(gates, gh, hPrev, gOut, gGi, gGh, gHPrev)) {
        jsBackend.gruCellBackward(gates, gh, hPrev, gOut, gGi, gGh, gHPrev, batch, hidden);
        return;
      }
      addon.gruCellBackward(gates as Float32Array, gh as Float32Array, hPrev as Float32Array, gOut as Float32Array,
        gGi as Float32Array, gGh as Float32Array, gHPrev as Float32Array, batch, hidden);
    },
  };
}
