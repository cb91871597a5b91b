/** Task pipelines over the models: text in, readable predictions out. */
export { fillMask, maskTokenOf, topTokens, type FillMaskOptions, type FillMaskPrediction } from './fill-mask.js';
