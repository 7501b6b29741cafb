/**
 * The training loop: mini-batch training with Adam or SGD+momentum, a learning-rate schedule with optional
 * warm-up, weight decay, class weights, seeded augmentation and dropout, validation and early stopping, a
 * checkpoint per epoch and exact resume.
 *
 * Determinism: one {@linkcode Rng} seeded by `seed` draws, per epoch, the seed of the shuffle order and
 * augmentation ({@linkcode batches}) and the seed of a per-epoch generator that gives every batch's forward pass
 * its `ApplyOptions.seed` (for dropout masks). Its state is saved with each checkpoint, so training N epochs straight and
 * training k, stopping, and resuming N − k more give bit-identical weights on a deterministic backend.
 *
 * @module
 */
import * as tf from "../tf.ts";
import { type AugmentOptions, batchCount, batches, type Dataset, Rng } from "../data/mod.ts";
import type { ApplyOptions, CamModel } from "../models/model.ts";
import { batchTensor, checkBatch, forEachLogits } from "./_forward.ts";
import {
  type Checkpoint,
  checkpointName,
  type EpochMetrics,
  latestCheckpoint,
  listCheckpoints,
  readCheckpoint,
  writeCheckpoint,
} from "./checkpoint.ts";
import { TrainError } from "./errors.ts";
import { softmaxCrossEntropy } from "./loss.ts";
import { crossEntropy } from "./metrics.ts";
import { createOptimizer, type NamedArray, type OptimizerOptions } from "./optimizer.ts";
import { Progress, type ProgressOptions } from "./progress.ts";
import { learningRateAt, type ScheduleOptions } from "./schedule.ts";

/** Early stopping on a validation metric. */
export interface EarlyStoppingOptions {
  /** Metric to watch. @default "valLoss" */
  monitor?: "valLoss" | "valAccuracy";
  /** Epochs without improvement before stopping. @default 5 */
  patience?: number;
  /** Smallest change that counts as improvement. @default 0 */
  minDelta?: number;
  /** At the end, put back the weights of the best epoch. @default false */
  restoreBest?: boolean;
}

/** What {@linkcode TrainOptions.onEpoch} receives besides the metrics. */
export interface EpochInfo {
  /** The model being trained. */
  model: CamModel;
  /** All epochs so far, this one last. */
  history: readonly EpochMetrics[];
  /** Path of this epoch's checkpoint, when checkpointing. */
  checkpoint?: string;
}

/** Options of {@linkcode train}. */
export interface TrainOptions {
  /** Total epochs (a resumed run continues up to this). @default 10 */
  epochs?: number;
  /** Samples per training step. @default 32 */
  batchSize?: number;
  /** Samples per validation forward pass. @default batchSize */
  evalBatchSize?: number;
  /** Master seed of shuffling, augmentation and dropout. @default 0 */
  seed?: number;
  /** Optimizer, by name with defaults or with options. @default "adam" */
  optimizer?: "adam" | "sgd" | OptimizerOptions;
  /** Base learning rate η₀. @default 1e-3 */
  learningRate?: number;
  /** Learning-rate schedule. @default { kind: "constant" } */
  schedule?: ScheduleOptions;
  /** Linear warm-up epochs (may be fractional). @default 0 */
  warmupEpochs?: number;
  /** Weight decay λ (overrides the optimizer options' weightDecay when given). @default 0 */
  weightDecay?: number;
  /** Class weights of the cross-entropy (training and validation loss). @default none */
  classWeights?: number[];
  /** Augmentation of training batches. @default false */
  augment?: AugmentOptions | false;
  /** Shuffle training samples each epoch. @default true */
  shuffle?: boolean;
  /** Drop a last training batch smaller than batchSize. @default false */
  dropLast?: boolean;
  /** Early stopping on validation metrics (needs data.val). @default false */
  earlyStopping?: EarlyStoppingOptions | false;
  /** Directory for one checkpoint per epoch (`epoch-NNNN.ckpt`). @default none (no checkpoints) */
  checkpointDir?: string;
  /** Keep only the newest this many checkpoints (plus the best one with restoreBest). @default all */
  keepCheckpoints?: number;
  /**
   * Continue from a checkpoint: `true` = the newest in checkpointDir (a fresh start when there is none), or a
   * checkpoint path. @default false
   */
  resume?: boolean | string;
  /** Called after each epoch (after its checkpoint is written). */
  onEpoch?: (metrics: EpochMetrics, info: EpochInfo) => void | Promise<void>;
  /** Stops training between batches; the epoch in progress is discarded (resume from the last checkpoint). */
  signal?: AbortSignal;
  /** Progress display per epoch; true = auto mode. @default false */
  progress?: boolean | ProgressOptions;
  /** JSON-able record stored in every checkpoint's `info` (model config is added). @default {} */
  info?: Record<string, unknown>;
}

/** What {@linkcode train} returns. */
export interface TrainResult {
  /** Metrics of every epoch, including those of a resumed checkpoint. */
  history: EpochMetrics[];
  /** Epochs completed. */
  epochs: number;
  /** Why training ended. */
  stopReason: "completed" | "early-stopping" | "aborted";
  /** Epoch with the best monitored value (early stopping only), else null. */
  bestEpoch: number | null;
  /** Epoch of the checkpoint training resumed from, else null. */
  resumedFrom: number | null;
}

/** Read variables into named arrays (await data(): works on every backend). */
async function readVariables(vars: Record<string, tf.Variable>): Promise<Record<string, NamedArray>> {
  const out: Record<string, NamedArray> = {};
  for (const key of Object.keys(vars).sort()) {
    const v = vars[key];
    if (v.dtype !== "float32") {
      throw new TrainError(`checkpoint: variable ${key} is ${v.dtype}, only float32 is saved`);
    }
    out[key] = { shape: [...v.shape], values: (await v.data()) as Float32Array };
  }
  return out;
}

function assignVariables(
  where: string,
  vars: Record<string, tf.Variable>,
  saved: Record<string, NamedArray>,
): void {
  const names = Object.keys(vars).sort(), savedNames = Object.keys(saved).sort();
  const missing = names.filter((n) => !(n in saved)), extra = savedNames.filter((n) => !(n in vars));
  if (missing.length || extra.length) {
    throw new TrainError(
      `${where}: variables do not match the model (missing: ${missing.join(", ") || "none"}; ` +
        `unknown: ${extra.join(", ") || "none"})`,
    );
  }
  for (const n of names) {
    const { shape, values } = saved[n];
    if (shape.join("x") !== vars[n].shape.join("x")) {
      throw new TrainError(
        `${where}: variable ${n} has shape ${shape.join("x")}, model has ${vars[n].shape.join("x")}`,
      );
    }
    tf.tidy(() => vars[n].assign(tf.tensor(values, shape, "float32")));
  }
}

/** tf.variableGrads, with a hint when TensorFlow.js's gradients were never registered. */
function gradients(
  f: () => tf.Scalar,
  varList: tf.Variable[],
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  try {
    return tf.variableGrads(f, varList);
  } catch (error) {
    if (/gradient function not found/.test((error as Error).message)) {
      throw new TrainError(
        `train: ${(error as Error).message}; TensorFlow.js's gradients are registered by lib/backend: ` +
          "call initBackend() before training",
      );
    }
    throw error;
  }
}

interface StoppingState {
  best: number;
  bestEpoch: number | null;
  wait: number;
}

/** Early-stopping state after `history` (recomputed on resume, so it needs no storage of its own). */
function stoppingState(history: readonly EpochMetrics[], options: EarlyStoppingOptions): StoppingState {
  const { monitor = "valLoss", minDelta = 0 } = options;
  const lower = monitor === "valLoss";
  const state: StoppingState = { best: lower ? Infinity : -Infinity, bestEpoch: null, wait: 0 };
  for (const m of history) {
    const value = m[monitor];
    if (value === undefined) throw new TrainError(`earlyStopping: epoch ${m.epoch} has no ${monitor}`);
    if (lower ? value < state.best - minDelta : value > state.best + minDelta) {
      state.best = value;
      state.bestEpoch = m.epoch;
      state.wait = 0;
    } else {
      state.wait++;
    }
  }
  return state;
}

/**
 * Train `model` on `data.train`, validating on `data.val` after each epoch.
 *
 * Loss: softmax cross-entropy with integer labels (class-weighted mean when classWeights is given). Training
 * metrics come from the training-mode forward passes of the epoch; validation metrics from inference mode.
 *
 * @example
 * const result = await train(model, { train: trainSet, val: valSet }, {
 *   epochs: 30, batchSize: 32, optimizer: "adam", learningRate: 1e-3, schedule: { kind: "cosine" },
 *   augment: SEED_AUGMENTATION, earlyStopping: { monitor: "valLoss", patience: 5 },
 *   checkpointDir: "experiments/g/run-1/checkpoints", resume: true, seed: 1,
 * });
 */
export async function train(
  model: CamModel,
  data: { train: Dataset; val?: Dataset },
  options: TrainOptions = {},
): Promise<TrainResult> {
  const {
    epochs = 10,
    batchSize = 32,
    evalBatchSize = batchSize,
    seed = 0,
    learningRate = 1e-3,
    schedule = { kind: "constant" },
    warmupEpochs = 0,
    classWeights,
    augment = false,
    shuffle = true,
    dropLast = false,
    earlyStopping = false,
    checkpointDir,
    keepCheckpoints,
    resume = false,
    onEpoch,
    signal,
    progress = false,
  } = options;
  if (!Number.isInteger(epochs) || epochs < 0) {
    throw new TrainError(`train: epochs must be an integer ≥ 0, got ${epochs}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new TrainError(`train: batchSize must be a positive integer, got ${batchSize}`);
  }
  if (data.train.size === 0) throw new TrainError("train: the training set is empty");
  if (earlyStopping && !data.val) {
    throw new TrainError("train: earlyStopping needs validation data (data.val)");
  }
  if (classWeights && classWeights.length !== model.config.numClasses) {
    throw new TrainError(
      `train: classWeights has ${classWeights.length} entries, model has ${model.config.numClasses} classes`,
    );
  }
  const stepsPerEpoch = batchCount(data.train.size, { batchSize, dropLast });
  if (stepsPerEpoch === 0) {
    throw new TrainError(
      `train: dropLast with batchSize ${batchSize} leaves no batch of ${data.train.size} samples`,
    );
  }
  const base = typeof options.optimizer === "string" || options.optimizer === undefined
    ? { name: options.optimizer ?? "adam" } as OptimizerOptions
    : options.optimizer;
  const optimizer = createOptimizer(
    options.weightDecay !== undefined ? { ...base, weightDecay: options.weightDecay } : base,
  );
  const rng = new Rng(seed);
  let history: EpochMetrics[] = [];
  let resumedFrom: number | null = null;
  const varKey = new Map(Object.entries(model.trainable).map(([k, v]) => [v.name, k]));
  const varList = Object.values(model.trainable);
  const info = { ...options.info, model: model.config };
  const numClasses = model.config.numClasses;
  let bestSnapshot: Record<string, NamedArray> | null = null;

  try {
    // ---- resume ----
    if (resume) {
      if (resume === true && !checkpointDir) throw new TrainError("train: resume: true needs checkpointDir");
      const path = typeof resume === "string" ? resume : await latestCheckpoint(checkpointDir!);
      if (path !== null) {
        const ckpt = await readCheckpoint(path);
        assignVariables(path, model.trainable, ckpt.weights);
        assignVariables(path, model.state, ckpt.state);
        optimizer.setWeights(ckpt.optimizer);
        rng.setState(ckpt.rngState);
        history = ckpt.history;
        resumedFrom = ckpt.epoch;
      }
    }
    if (!resume && checkpointDir && (await listCheckpoints(checkpointDir)).length > 0) {
      throw new TrainError(
        `train: ${checkpointDir} already holds checkpoints of another run; pass resume: true to continue it, ` +
          "or use an empty directory",
      );
    }
    let stopping = earlyStopping ? stoppingState(history, earlyStopping) : null;
    const stopped = () => earlyStopping && stopping && stopping.wait >= (earlyStopping.patience ?? 5);
    let stopReason: TrainResult["stopReason"] = stopped() ? "early-stopping" : "completed";

    // ---- epochs ----
    for (let epoch = history.length + 1; epoch <= epochs && stopReason === "completed"; epoch++) {
      if (signal?.aborted) {
        stopReason = "aborted";
        break;
      }
      const started = performance.now();
      const epochSeed = rng.seed();
      const forwardRng = new Rng(rng.seed());
      const valBatches = data.val ? batchCount(data.val.size, { batchSize: evalBatchSize }) : 0;
      const bar = progress
        ? new Progress(stepsPerEpoch + valBatches, {
          ...(progress === true ? {} : progress),
          label: `epoch ${epoch}/${epochs}`,
        })
        : null;
      let lossSum = 0, correct = 0, seen = 0, lr = learningRate;
      let batchIndex = 0;
      for (const batch of batches(data.train, { batchSize, shuffle, seed: epochSeed, augment, dropLast })) {
        if (signal?.aborted) {
          stopReason = "aborted";
          break;
        }
        checkBatch("train", model, batch);
        lr = learningRateAt(optimizer.iteration, {
          learningRate,
          schedule,
          stepsPerEpoch,
          epochs,
          warmupEpochs,
        });
        const applyOptions: ApplyOptions = { training: true, seed: forwardRng.seed() };
        const lossAndHits = tf.tidy(() => {
          const x = batchTensor(batch);
          let logits: tf.Tensor2D | undefined;
          const { value, grads } = gradients(() => {
            const out = model.apply(x, applyOptions);
            logits = tf.keep(out.logits);
            return softmaxCrossEntropy(out.logits, batch.labels, { classWeights });
          }, varList);
          const byKey: Record<string, tf.Tensor> = {};
          for (const [name, g] of Object.entries(grads)) byKey[varKey.get(name)!] = g;
          optimizer.step(model.trainable, byKey, { learningRate: lr });
          const hits = tf.sum(
            tf.cast(tf.equal(tf.argMax(logits!, 1), tf.tensor1d(batch.labels, "int32")), "float32"),
          );
          logits!.dispose();
          return tf.stack([value, hits]);
        });
        // One read-back per step (a sync point on GPU backends).
        const [loss, hits] = await lossAndHits.data();
        lossAndHits.dispose();
        if (!Number.isFinite(loss)) {
          throw new TrainError(
            `train: loss is ${loss} at epoch ${epoch}, batch ${batchIndex} (learning rate ${lr})`,
          );
        }
        lossSum += loss * batch.size;
        correct += hits;
        seen += batch.size;
        batchIndex++;
        bar?.tick(1, `loss ${(lossSum / seen).toFixed(4)} acc ${(correct / seen).toFixed(3)}`);
      }
      if (stopReason === "aborted") break;

      const metrics: EpochMetrics = {
        epoch,
        loss: lossSum / seen,
        accuracy: correct / seen,
        learningRate: lr,
        seconds: 0,
      };
      if (data.val) {
        let sum = 0, weight = 0, valCorrect = 0;
        await forEachLogits(model, data.val, {
          batchSize: evalBatchSize,
          where: "train (validation)",
          onBatch: (batch, logits) => {
            const ce = crossEntropy(logits, batch.labels, { numClasses, classWeights });
            sum += ce.sum;
            weight += ce.weight;
            for (let i = 0; i < batch.size; i++) {
              let best = 0;
              for (let j = 1; j < numClasses; j++) {
                if (logits[i * numClasses + j] > logits[i * numClasses + best]) best = j;
              }
              if (best === batch.labels[i]) valCorrect++;
            }
            bar?.tick(1);
          },
        });
        metrics.valLoss = weight > 0 ? sum / weight : 0;
        metrics.valAccuracy = data.val.size > 0 ? valCorrect / data.val.size : 0;
      }
      metrics.seconds = (performance.now() - started) / 1000;
      history.push(metrics);
      bar?.finish(
        `loss ${metrics.loss.toFixed(4)} acc ${metrics.accuracy.toFixed(3)}` +
          (data.val
            ? ` val_loss ${metrics.valLoss!.toFixed(4)} val_acc ${metrics.valAccuracy!.toFixed(3)}`
            : ""),
      );

      if (earlyStopping) {
        stopping = stoppingState(history, earlyStopping);
        if (earlyStopping.restoreBest && stopping.bestEpoch === epoch) {
          bestSnapshot = await readVariables(model.trainable);
        }
        if (stopped()) stopReason = "early-stopping";
      }

      let checkpointPath: string | undefined;
      if (checkpointDir) {
        const checkpoint: Checkpoint = {
          epoch,
          rngState: rng.getState(),
          history,
          weights: await readVariables(model.trainable),
          state: await readVariables(model.state),
          optimizer: await optimizer.getWeights(),
          info,
        };
        checkpointPath = await writeCheckpoint(checkpointDir, checkpoint);
        if (keepCheckpoints !== undefined) {
          await pruneCheckpoints(checkpointDir, keepCheckpoints, stopping?.bestEpoch);
        }
      }
      await onEpoch?.(metrics, { model, history, checkpoint: checkpointPath });
    }

    // ---- restore best ----
    const bestEpoch = stopping?.bestEpoch ?? null;
    if (earlyStopping && earlyStopping.restoreBest && bestEpoch !== null && bestEpoch !== history.length) {
      if (!bestSnapshot && checkpointDir) {
        const path = `${checkpointDir}/${checkpointName(bestEpoch)}`;
        bestSnapshot = (await readCheckpoint(path)).weights;
      }
      if (!bestSnapshot) {
        throw new TrainError(
          `train: restoreBest: weights of epoch ${bestEpoch} are neither in memory nor checkpointed`,
        );
      }
      assignVariables(`best epoch ${bestEpoch}`, model.trainable, bestSnapshot);
    }
    return { history, epochs: history.length, stopReason, bestEpoch, resumedFrom };
  } finally {
    optimizer.dispose();
  }
}

/** Remove all but the newest `keep` checkpoints (and the best epoch's). */
async function pruneCheckpoints(
  dir: string,
  keep: number,
  bestEpoch: number | null | undefined,
): Promise<void> {
  const epochs = await listCheckpoints(dir);
  for (const e of epochs.slice(0, Math.max(0, epochs.length - keep))) {
    if (e !== bestEpoch) await Deno.remove(`${dir}/${checkpointName(e)}`).catch(() => {});
  }
}
