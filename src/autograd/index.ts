import './methods.js';

export { backward, enableGrad, isGradEnabled, noGrad, type BackwardOptions } from './graph.js';
export * as ops from './ops/index.js';
export * from './ops/index.js';
