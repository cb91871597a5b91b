import './methods.js';

export { backward, enableGrad, isGradEnabled, noGrad, type BackwardOptions } from './graph.js';
export { privateIntermediates } from './private-intermediates.js';
export { gradcheck, type GradcheckOptions, type GradcheckResult } from './gradcheck.js';
export * as ops from './ops/index.js';
export * from './ops/index.js';
