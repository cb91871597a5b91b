export { Trainer, type TrainerOptions } from './trainer.js';
export { type Callback, ModelCheckpoint, type ModelCheckpointOptions, EarlyStopping, type EarlyStoppingOptions } from './callbacks.js';
export { loadCheckpoint, checkpointBytes, writeCheckpointFiles, CHECKPOINT_FORMAT, type TrainingCheckpoint,
  type TrainingState } from './checkpoint.js';
export { TrainBatches, validationBatches, type BatchPosition } from './batches.js';
export { MetricsWriter, metricsLine, readMetrics } from './metrics.js';
export { lossCurveSvg, writeLossPlot, niceTicks, type LossPlotOptions } from './plot.js';
export { createProgress, BarProgress, LogProgress, NoProgress, formatDuration, type ProgressMode,
  type ProgressReporter } from './progress.js';
export type { TrainableModel, SelfSupervisedModel, LossFn, BatchSource, SplitBatchSource, Split, StepMetrics } from './types.js';
