/** lmkit: language models in TypeScript. */
export { Tensor, type NestedArray } from './tensor/tensor.js';
export * from './tensor/create.js';
export { manualSeed, Generator, defaultGenerator } from './tensor/random.js';
export type { DType } from './tensor/dtype.js';
export * from './autograd/index.js';
export { backend, setBackend, nativeStatus, setNumThreads, getNumThreads } from './backend/index.js';
export { LmkitError, type ErrorCode } from './errors.js';
export * from './io/index.js';
export * as optim from './optim/index.js';
export { SGD, Adam, AdamW, clipGradNorm, clipGradValue, StepLR, LambdaLR, LinearLR, WarmupCosineLR, weightDecayGroups } from './optim/index.js';
export * from './train/index.js';
export * as nn from './nn/index.js';
export * from './nn/index.js';
export * from './tokenizers/index.js';
export * from './data/index.js';
export * from './generation/index.js';
export * from './models/index.js';
export * as parity from './parity/index.js';
