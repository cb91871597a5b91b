export { Optimizer, type OptimizerStateDict, type ParamGroup, type ParamGroupSpec, type ParamState, type ParamsInput,
  type BaseHyperParams, type ZeroGradOptions } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from './clip.js';
export { LRScheduler, StepLR, LambdaLR, LinearLR, ExponentialLR, CosineAnnealingLR, WarmupCosineLR, warmupCosineLr, type SchedulerStateDict,
  type WarmupCosineOptions } from './lr_scheduler.js';
export { flattenOptimizerState, unflattenOptimizerState, saveOptimizerState, loadOptimizerState, type FlatOptimizerState } from './serialize.js';
export { weightDecayGroups } from './groups.js';
