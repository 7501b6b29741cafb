/**
 * Training and evaluation of {@linkcode CamModel}s.
 *
 * - {@linkcode train}: Adam / SGD+momentum, constant / step / cosine learning rate with warm-up, weight decay,
 *   class weights, seeded augmentation and dropout, validation, early stopping, one atomic checkpoint per epoch
 *   and exact resume; metrics per epoch to `onEpoch`. The loop is small; checkpoints, early stopping, progress
 *   and aborting are {@linkcode TrainCallback}s (lib/train/callbacks.ts), and `callbacks` adds yours.
 * - Memory: {@linkcode planMicroBatch} sizes a step from the layer shapes before training (lib/models'
 *   `estimateStepMemory`) and splits a batch the wasm heap cannot hold into micro-batches whose gradients
 *   add up to the full batch's; what cannot fit at all is a {@linkcode MemoryError}, before allocating.
 * - {@linkcode evaluate}: accuracy, top-1/top-5 error, confusion matrix, per-class precision/recall, PR and ROC
 *   curves with AP and AUC, per-sample probabilities.
 * - Pure metrics over typed arrays (`metrics.ts`), optimizers with saveable state, schedules, checkpoints,
 *   and {@linkcode Progress} (terminal line, notebook display or sparse CI lines).
 *
 * @example
 * import { SEED_AUGMENTATION, splitBySubject, subset } from "../data/mod.ts";
 * const result = await train(model, { train: trainSet, val: valSet }, {
 *   epochs: 20, optimizer: "adam", learningRate: 1e-3, schedule: { kind: "cosine" }, augment: SEED_AUGMENTATION,
 *   earlyStopping: { monitor: "valLoss", patience: 4 }, checkpointDir: "runs/a/checkpoints", resume: true,
 *   onEpoch: (m) => console.log(m), progress: true,
 * });
 * const test = await evaluate(model, testSet);
 *
 * @module
 */
export {
  DATA_INIT_SAMPLES,
  type EarlyStoppingOptions,
  type EpochInfo,
  train,
  type TrainOptions,
  type TrainResult,
} from "./train.ts";
export {
  abortOn,
  type BatchEnd,
  checkpoints,
  type CheckpointsOptions,
  earlyStopping,
  progressBar,
  stoppingState,
  type StopReason,
  type TrainCallback,
  type TrainContext,
} from "./callbacks.ts";
export { evaluate, type EvaluateOptions, type Evaluation, type OneVsRest } from "./evaluate.ts";
export {
  averageBatchStatistics,
  hasMovingStatistics,
  type MovingStatisticsModel,
  recalibrateBatchNorm,
  type RecalibrateOptions,
} from "./batch_norm_stats.ts";
export { TrainError } from "./errors.ts";
export { type MicroBatchOptions, type MicroBatchPlan, planMicroBatch, splitBatch } from "./memory_plan.ts";
export { MemoryError } from "../models/mod.ts";
export { type CrossEntropyOptions, softmaxCrossEntropy } from "./loss.ts";
export {
  argmaxRows,
  auc,
  averagePrecision,
  type BinaryTargets,
  confusionMatrix,
  crossEntropy,
  MetricError,
  pooledRocAuc,
  type PrCurve,
  precisionRecall,
  precisionRecallCurve,
  rocAuc,
  type RocCurve,
  rocCurve,
  type RocPoints,
  softmax,
  topKError,
} from "./metrics.ts";
export {
  type AdamOptions,
  createOptimizer,
  type NamedArray,
  type Optimizer,
  OptimizerError,
  type OptimizerOptions,
  type OptimizerWeights,
  type SgdOptions,
  type StepOptions,
} from "./optimizer.ts";
export { learningRateAt, type LearningRateOptions, ScheduleError, type ScheduleOptions } from "./schedule.ts";
export {
  type Checkpoint,
  CheckpointError,
  checkpointName,
  decodeCheckpoint,
  encodeCheckpoint,
  type EpochMetrics,
  latestCheckpoint,
  listCheckpoints,
  readCheckpoint,
  writeCheckpoint,
} from "./checkpoint.ts";
export {
  detectProgressMode,
  formatDuration,
  jupyterDisplay,
  Progress,
  type ProgressMode,
  type ProgressOptions,
} from "./progress.ts";
