/**
 * The training loop: mini-batch training with Adam or SGD+momentum, a learning-rate schedule with optional
 * warm-up, weight decay, class weights, seeded augmentation and dropout, validation and early stopping, a
 * checkpoint per epoch and exact resume.
 *
 * The loop steps through batches and epochs; checkpoints, early stopping, progress, aborting and `onEpoch` are
 * callbacks (lib/train/callbacks.ts), built from the options, and `callbacks` adds more.
 *
 * Determinism: one {@linkcode Rng} seeded by `seed` draws, per epoch, the seed of the shuffle order and
 * augmentation ({@linkcode batches}) and the seed of a per-epoch generator that gives every batch's forward pass
 * its `ApplyOptions.seed` (for dropout masks). Its state is saved with each checkpoint, so training N epochs straight and
 * training k, stopping, and resuming N − k more give bit-identical weights on a deterministic backend.
 *
 * Memory: before the first step, {@linkcode planMicroBatch} estimates the heap one step needs from the layer
 * shapes and, where the backend's heap is limited (wasm: 4 GiB), splits a batch that would not fit into
 * micro-batches whose gradients add up to the full batch's; the update is applied once per batch. See
 * {@link TrainOptions.microBatch} for what differs with batch norm.
 *
 * @module
 */
import * as tf from "../tf.ts";
import { type AugmentOptions, type Batch, batchCount, batches, type Dataset, Rng } from "../data/mod.ts";
import { activeNative, backendHeapLimit } from "../backend/mod.ts";
import {
  canInitFromData,
  type DataInitRecord,
  describeWork,
  estimateStepMemory,
  formatBytes,
  initFromData,
  isHeapExhaustion,
  MemoryError,
  type MemoryErrorDetails,
} from "../models/mod.ts";
import type { ApplyOptions, CamModel } from "../models/model.ts";
import { batchTensor, checkBatch, evalBatchFor, forEachLogits } from "./_forward.ts";
import { hasMovingStatistics, recalibrateBatchNorm } from "./batch_norm_stats.ts";
import { assignVariables } from "./_variables.ts";
import {
  abortOn,
  type BatchEnd,
  checkpoints,
  earlyStopping as earlyStoppingCallback,
  type EarlyStoppingOptions,
  progressBar,
  type StopReason,
  type TrainCallback,
  type TrainContext,
} from "./callbacks.ts";
import { type EpochMetrics, latestCheckpoint, listCheckpoints, readCheckpoint } from "./checkpoint.ts";
import { TrainError } from "./errors.ts";
import { softmaxCrossEntropy } from "./loss.ts";
import { crossEntropy } from "./metrics.ts";
import { createOptimizer, type OptimizerOptions } from "./optimizer.ts";
import type { ProgressOptions } from "./progress.ts";
import { learningRateAt, type ScheduleOptions } from "./schedule.ts";
import { type MicroBatchPlan, planMicroBatch, splitBatch } from "./memory_plan.ts";

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
  /**
   * Samples per validation forward pass (fewer where the heap cannot hold them, by the inference estimate).
   * @default batchSize
   */
  evalBatchSize?: number;
  /**
   * Samples per forward/backward pass within a batch. Each batch is split into ⌈batchSize/microBatch⌉
   * micro-batches of near-equal size; their gradients, each of the loss summed over the micro-batch and
   * divided by the whole batch's sample count (or class-weight total), add up to the full batch's gradient,
   * and the optimizer steps once per batch. Dropout masks are those of the whole batch (`sampleOffset`), and
   * augmentation is drawn per batch as before, so without batch norm the update equals the full batch's up
   * to float32 rounding (summation order).
   *
   * Batch norm differs, as with PyTorch's gradient accumulation: each micro-batch is normalised by its own
   * mean and variance (not the whole batch's), so the gradients differ from a full-batch step, and the
   * moving statistics are updated once per micro-batch (k updates per step with momentum m each: the old
   * value keeps weight (1 − m)^k, not 1 − m).
   *
   * "auto": the largest micro-batch whose estimated step ({@linkcode estimateStepMemory}) fits 70% of the
   * heap limit — the full batch when it fits, and always on a backend without a limit (tensorflow, webgpu,
   * cpu). The plan depends only on the model, batchSize and the limit, so a resumed run splits like the
   * first. @default "auto"
   */
  microBatch?: number | "auto";
  /**
   * Heap limit planned against, in bytes; null for none. @default the backend's: 4 GiB − 64 KiB on wasm, none
   * elsewhere
   */
  heapLimitBytes?: number | null;
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
  /**
   * After each epoch's steps (before validation and the checkpoint), re-estimate the batch-norm moving
   * statistics as the plain mean over this many clean, shuffled training batches ({@linkcode
   * recalibrateBatchNorm}), so that inference normalises clean images with clean images' statistics; false
   * keeps the moving averages of the training batches. Weights and the training trajectory do not change.
   * @default 32 when the model has batch norm and `augment` is on, else false
   */
  recalibrateBatchNorm?: number | false;
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
  /** More callbacks, run after the built-in ones (see lib/train/callbacks.ts). @default [] */
  callbacks?: TrainCallback[];
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
  stopReason: StopReason;
  /** Epoch with the best monitored value (early stopping only), else null. */
  bestEpoch: number | null;
  /** Epoch of the checkpoint training resumed from, else null. */
  resumedFrom: number | null;
  /** How each step was split into micro-batches, and the estimate behind it. */
  plan: MicroBatchPlan;
  /** What the data-dependent initialisation did (a fresh run of a model with `init: "data"`), else null. */
  init: DataInitRecord | null;
}

/** Training images a model with `init: "data"` is rescaled on (fewer when the set or an inference pass is smaller). */
export const DATA_INIT_SAMPLES = 64;

/** n samples spread evenly over the dataset (indices ⌊i·size/n⌋), as one NHWC tensor. */
function spreadImages(dataset: Dataset, n: number): tf.Tensor4D {
  const first = dataset.get(0);
  const per = first.height * first.width * first.channels;
  const images = new Float32Array(n * per);
  for (let i = 0; i < n; i++) images.set(dataset.get(Math.floor((i * dataset.size) / n)).image, i * per);
  return tf.tensor4d(images, [n, first.height, first.width, first.channels]);
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
        `train: ${(error as Error).message}; TensorFlow.js's gradients are registered by lib/tf.ts: ` +
          "import TensorFlow.js through it",
      );
    }
    throw error;
  }
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
    recalibrateBatchNorm: recalibrate = augment && hasMovingStatistics(model) ? 32 : false,
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
  // Composed convolution gradients (wasm without oneDNN) keep their scratch on the heap.
  const convGradients = tf.getBackend() === "wasm" && !activeNative().dnnl ? "composed" : "native";
  const optimizerName = typeof options.optimizer === "object" ? options.optimizer.name : options.optimizer;
  const plan = planMicroBatch(model, {
    batchSize,
    microBatch: options.microBatch,
    heapLimitBytes: options.heapLimitBytes,
    optimizer: optimizerName ?? "adam",
    convGradients,
  });
  const valBatchSize = data.val
    ? evalBatchFor(model, evalBatchSize, {
      where: "train (validation)",
      heapLimitBytes: options.heapLimitBytes,
    })
    : evalBatchSize;
  const base = typeof options.optimizer === "string" || options.optimizer === undefined
    ? { name: options.optimizer ?? "adam" } as OptimizerOptions
    : options.optimizer;
  const optimizer = createOptimizer(
    options.weightDecay !== undefined ? { ...base, weightDecay: options.weightDecay } : base,
  );
  const rng = new Rng(seed);
  const history: EpochMetrics[] = [];
  let resumedFrom: number | null = null;
  const varKey = new Map(Object.entries(model.trainable).map(([k, v]) => [v.name, k]));
  const varList = Object.values(model.trainable);
  const numClasses = model.config.numClasses;

  /** Loss, hit count and gradients (keyed like model.trainable) of one forward/backward pass. */
  const microStep = (micro: Batch, applyOptions: ApplyOptions, denominator?: number) => {
    const x = batchTensor(micro);
    let logits: tf.Tensor2D | undefined;
    const { value, grads } = gradients(() => {
      const out = model.apply(x, applyOptions);
      logits = tf.keep(out.logits);
      return softmaxCrossEntropy(out.logits, micro.labels, { classWeights, denominator });
    }, varList);
    const byKey: Record<string, tf.Tensor> = {};
    for (const [name, g] of Object.entries(grads)) byKey[varKey.get(name)!] = g;
    const hits = tf.sum(
      tf.cast(tf.equal(tf.argMax(logits!, 1), tf.tensor1d(micro.labels, "int32")), "float32"),
    );
    logits!.dispose();
    return { value, grads: byKey, hits };
  };

  /**
   * One optimizer step on `batch`, in micro-batches when the plan splits it; returns [loss, hits]. A wasm heap
   * exhaustion becomes a MemoryError that says what state the model is in.
   */
  const step = (batch: Batch, seed: number, learningRate: number): tf.Tensor1D => {
    const sizes = batch.size === plan.batchSize ? plan.sizes : splitBatch(batch.size, plan.microBatch);
    let phase: "forward" | "update" = "forward";
    let done = 0;
    try {
      if (sizes.length === 1) {
        return tf.tidy(() => {
          const { value, grads, hits } = microStep(batch, { training: true, seed });
          phase = "update";
          optimizer.step(model.trainable, grads, { learningRate });
          return tf.stack([value, hits]) as tf.Tensor1D;
        });
      }
      // The whole batch's Σ w_{y_i} (or its size): every micro-batch's loss is divided by it, so the losses
      // and gradients add up to the full batch's weighted mean (float64, as softmaxCrossEntropy sums).
      let total = batch.size;
      if (classWeights) {
        total = 0;
        for (const y of batch.labels) total += classWeights[y] ?? 1;
        if (!(total > 0)) total = 1;
      }
      let sum: Record<string, tf.Tensor> | null = null;
      let stats: tf.Tensor1D | null = null;
      try {
        let start = 0;
        for (const size of sizes) {
          const micro = sliceBatch(batch, start, size);
          const next = tf.tidy(() => {
            const applyOptions = { training: true, seed, sampleOffset: start };
            const { value, grads, hits } = microStep(micro, applyOptions, total);
            const accumulated: Record<string, tf.Tensor> = {};
            for (const [key, g] of Object.entries(grads)) accumulated[key] = sum ? tf.add(sum[key], g) : g;
            const s = tf.stack([value, hits]) as tf.Tensor1D;
            return { accumulated, stats: stats ? tf.add(stats, s) as tf.Tensor1D : s };
          });
          if (sum) tf.dispose(Object.values(sum));
          stats?.dispose();
          sum = next.accumulated;
          stats = next.stats;
          start += size;
          done++;
        }
        phase = "update";
        optimizer.step(model.trainable, sum!, { learningRate });
        const out = stats!;
        stats = null;
        return out;
      } finally {
        if (sum) tf.dispose(Object.values(sum));
        stats?.dispose();
      }
    } catch (error) {
      if (!isHeapExhaustion(error)) throw error;
      const details: MemoryErrorDetails = {
        model: String(model.config.name),
        inputShape: model.config.inputShape,
        work: "training step",
        batchSize: batch.size,
        microBatch: sizes[Math.min(done, sizes.length - 1)],
        bytes: plan.estimateBytes,
        limitBytes: plan.limitBytes ?? 0,
      };
      const where = `micro-batch ${done + 1} of ${sizes.length}`;
      const state = phase === "update"
        ? "the update was interrupted part-way: some weights and optimizer slots may hold this step's values " +
          "and others the last step's, so the model is inconsistent"
        : `the weights and optimizer state are those before this step (it failed in ${where}, before the ` +
          "update)" +
          (Object.keys(model.state).length > 0
            ? `, but batch-norm moving statistics include the ${done} micro-batch(es) that ran`
            : "");
      throw new MemoryError(
        details,
        `the wasm heap ran out (${(error as Error).name}: ${(error as Error).message}) in ` +
          `${describeWork(details)}; estimated ${formatBytes(details.bytes)} per step` +
          (plan.limitBytes !== null ? `, limit ${formatBytes(plan.limitBytes)}` : "") +
          `; ${state}; the wasm backend may be unusable now: restart the process and resume from the last ` +
          "checkpoint with a smaller microBatch",
        { cause: error },
      );
    }
  };

  try {
    if (resume) {
      if (resume === true && !checkpointDir) throw new TrainError("train: resume: true needs checkpointDir");
      const path = typeof resume === "string" ? resume : await latestCheckpoint(checkpointDir!);
      if (path !== null) {
        const ckpt = await readCheckpoint(path);
        assignVariables(path, model.trainable, ckpt.weights);
        assignVariables(path, model.state, ckpt.state);
        optimizer.setWeights(ckpt.optimizer);
        rng.setState(ckpt.rngState);
        history.push(...ckpt.history);
        resumedFrom = ckpt.epoch;
      }
    }
    if (!resume && checkpointDir && (await listCheckpoints(checkpointDir)).length > 0) {
      throw new TrainError(
        `train: ${checkpointDir} already holds checkpoints of another run; pass resume: true to continue it, ` +
          "or use an empty directory",
      );
    }
    let init: DataInitRecord | null = null;
    if (resumedFrom === null && model.config.init === "data") {
      if (!canInitFromData(model)) {
        throw new TrainError(
          `train: model ${model.config.name} asks for init "data" but has no visitPreActivations`,
        );
      }
      // The init pass sees each conv's output before its ReLU, so it runs the composed ops, not the fused ones.
      const n = evalBatchFor(model, Math.min(DATA_INIT_SAMPLES, data.train.size), {
        where: "train (data-dependent init)",
        heapLimitBytes: options.heapLimitBytes,
        fused: false,
      });
      const images = spreadImages(data.train, n);
      try {
        init = await initFromData(model, images);
      } catch (error) {
        if (!isHeapExhaustion(error)) throw error;
        const limit = options.heapLimitBytes === undefined ? backendHeapLimit() : options.heapLimitBytes;
        const details: MemoryErrorDetails = {
          model: String(model.config.name),
          inputShape: model.config.inputShape,
          work: "data-dependent init",
          batchSize: n,
          microBatch: n,
          bytes: estimateStepMemory(model, { batchSize: n, training: false, fused: false }).bytes,
          limitBytes: limit ?? 0,
        };
        throw new MemoryError(
          details,
          `the wasm heap ran out (${(error as Error).name}: ${(error as Error).message}) in ` +
            `${describeWork(details)}; estimated ${formatBytes(details.bytes)}` +
            (limit !== null ? `, limit ${formatBytes(limit)}` : "") +
            "; no weights were trained yet, but the wasm backend may be unusable now: restart the process",
          { cause: error },
        );
      } finally {
        images.dispose();
      }
    }
    const callbacks: TrainCallback[] = [
      ...(signal ? [abortOn(signal)] : []),
      ...(progress ? [progressBar(progress === true ? {} : progress)] : []),
      ...(earlyStopping ? [earlyStoppingCallback(earlyStopping, checkpointDir)] : []),
      ...(checkpointDir
        ? [
          checkpoints(checkpointDir, {
            keep: keepCheckpoints,
            info: { ...options.info, model: model.config },
          }),
        ]
        : []),
      ...(onEpoch
        ? [{
          onEpochEnd: (m: EpochMetrics, c: TrainContext) =>
            onEpoch(m, { model, history, checkpoint: c.checkpoint }),
        }]
        : []),
      ...(options.callbacks ?? []),
    ];
    const ctx: TrainContext = {
      model,
      data,
      epochs,
      stepsPerEpoch,
      valBatches: data.val ? batchCount(data.val.size, { batchSize: valBatchSize }) : 0,
      history,
      optimizer,
      rng,
      stopReason: null,
      stop(reason) {
        if (ctx.stopReason !== "aborted") ctx.stopReason = reason;
      },
      bestEpoch: null,
    };
    for (const cb of callbacks) await cb.onTrainBegin?.(ctx);

    for (let epoch = history.length + 1; epoch <= epochs && ctx.stopReason === null; epoch++) {
      for (const cb of callbacks) await cb.onEpochBegin?.(epoch, ctx);
      if (ctx.stopReason === "aborted") break;
      const started = performance.now();
      const epochSeed = rng.seed();
      const forwardRng = new Rng(rng.seed());
      let lossSum = 0, correct = 0, seen = 0, lr = learningRate;
      let batchIndex = 0;
      for (const batch of batches(data.train, { batchSize, shuffle, seed: epochSeed, augment, dropLast })) {
        for (const cb of callbacks) cb.onBatchBegin?.(epoch, ctx);
        if (ctx.stopReason === "aborted") break;
        checkBatch("train", model, batch);
        lr = learningRateAt(optimizer.iteration, {
          learningRate,
          schedule,
          stepsPerEpoch,
          epochs,
          warmupEpochs,
        });
        const lossAndHits = step(batch, forwardRng.seed(), lr);
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
        const end: BatchEnd = { epoch, index: batchIndex, loss: lossSum / seen, accuracy: correct / seen };
        for (const cb of callbacks) cb.onBatchEnd?.(end, ctx);
        batchIndex++;
      }
      if (ctx.stopReason === "aborted") break;
      if (recalibrate) {
        // Its own seed, derived from the epoch's: the main stream's draws stay those of a run without it.
        recalibrateBatchNorm(model, data.train, {
          batches: recalibrate,
          batchSize: plan.microBatch,
          seed: (epochSeed ^ 0x9e3779b9) >>> 0,
        });
      }

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
          batchSize: valBatchSize,
          heapLimitBytes: options.heapLimitBytes,
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
            for (const cb of callbacks) cb.onValidationBatchEnd?.(epoch, ctx);
          },
        });
        metrics.valLoss = weight > 0 ? sum / weight : 0;
        metrics.valAccuracy = data.val.size > 0 ? valCorrect / data.val.size : 0;
      }
      metrics.seconds = (performance.now() - started) / 1000;
      history.push(metrics);
      for (const cb of callbacks) await cb.onEpochEnd?.(metrics, ctx);
    }
    ctx.stopReason ??= "completed";
    for (const cb of callbacks) await cb.onTrainEnd?.(ctx);
    return {
      history,
      epochs: history.length,
      stopReason: ctx.stopReason,
      bestEpoch: ctx.bestEpoch,
      resumedFrom,
      plan,
      init,
    };
  } finally {
    optimizer.dispose();
  }
}

/** Samples [start, start + size) of a batch, as a batch (views, no copies). */
function sliceBatch(batch: Batch, start: number, size: number): Batch {
  const per = batch.height * batch.width * batch.channels;
  return {
    ...batch,
    images: batch.images.subarray(start * per, (start + size) * per),
    labels: batch.labels.subarray(start, start + size),
    indices: batch.indices.subarray(start, start + size),
    size,
  };
}

export type { EarlyStoppingOptions };
