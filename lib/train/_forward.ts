/**
 * Inference over a dataset in batches, returning logits as plain arrays (shared by validation in the training
 * loop and by evaluate()), in batches the backend's heap can hold.
 */
import * as tf from "../tf.ts";
import { type Batch, batches, type Dataset } from "../data/mod.ts";
import {
  describeWork,
  estimateStepMemory,
  formatBytes,
  isHeapExhaustion,
  MemoryError,
  type MemoryErrorDetails,
  passSize,
} from "../models/mod.ts";
import { backendHeapLimit } from "../backend/mod.ts";
import type { CamModel } from "../models/model.ts";
import { TrainError } from "./errors.ts";

/** NHWC image tensor of a batch. */
export function batchTensor(batch: Batch): tf.Tensor4D {
  return tf.tensor4d(batch.images, [batch.size, batch.height, batch.width, batch.channels]);
}

/** Check that a batch fits the model's input shape. */
export function checkBatch(where: string, model: CamModel, batch: Batch): void {
  const [h, w, c] = model.config.inputShape;
  if (batch.height !== h || batch.width !== w || batch.channels !== c) {
    throw new TrainError(
      `${where}: images are ${batch.height}x${batch.width}x${batch.channels}, ` +
        `model ${model.config.name} expects ${h}x${w}x${c}`,
    );
  }
  const n = model.config.numClasses;
  for (const y of batch.labels) {
    if (y >= n) throw new TrainError(`${where}: label ${y} outside the model's ${n} classes`);
  }
}

function inferenceDetails(model: CamModel, batchSize: number, microBatch: number, limit: number) {
  return {
    model: String(model.config.name),
    inputShape: model.config.inputShape,
    work: "inference",
    batchSize,
    microBatch,
    bytes: estimateStepMemory(model, { batchSize: microBatch, training: false }).bytes,
    limitBytes: limit,
  } satisfies MemoryErrorDetails;
}

/**
 * Images per inference pass: `requested`, or fewer when its estimated pass ({@linkcode estimateStepMemory},
 * inference) would fill more than 70% of the heap limit (`heapLimitBytes`, default the backend's; null: none).
 *
 * @throws {MemoryError} when not even one image fits.
 */
export function evalBatchFor(
  model: CamModel,
  requested: number,
  options: { where: string; heapLimitBytes?: number | null; fused?: boolean },
): number {
  if (!Number.isInteger(requested) || requested < 1) {
    throw new TrainError(`${options.where}: batch size must be a positive integer, got ${requested}`);
  }
  const limit = options.heapLimitBytes === undefined ? backendHeapLimit() : options.heapLimitBytes;
  if (limit === null) return requested;
  return passSize(model, {
    training: false,
    fused: options.fused,
    limitBytes: limit,
    max: requested,
    where: options.where,
  });
}

/** Logits of a batch in inference mode, read back (await data(), which every backend supports). */
export async function inferBatch(model: CamModel, batch: Batch): Promise<Float32Array> {
  const logits = tf.tidy(() => model.apply(batchTensor(batch), { training: false }).logits);
  try {
    return (await logits.data()) as Float32Array;
  } finally {
    logits.dispose();
  }
}

/**
 * Run the model over `dataset` in order, calling `onBatch` with each batch's logits `[n, numClasses]`.
 * `batchSize` is capped by {@linkcode evalBatchFor}; a wasm heap exhaustion that still happens is a
 * MemoryError (the model is unchanged: inference writes nothing).
 */
export async function forEachLogits(
  model: CamModel,
  dataset: Dataset,
  options: {
    batchSize: number;
    where: string;
    onBatch: (batch: Batch, logits: Float32Array) => void;
    /** @default the backend's heap limit; null: use batchSize as given */
    heapLimitBytes?: number | null;
  },
): Promise<void> {
  const batchSize = evalBatchFor(model, options.batchSize, options);
  for (const batch of batches(dataset, { batchSize })) {
    checkBatch(options.where, model, batch);
    let logits: Float32Array;
    try {
      logits = await inferBatch(model, batch);
    } catch (error) {
      if (!isHeapExhaustion(error)) throw error;
      const limit = options.heapLimitBytes === undefined ? backendHeapLimit() : options.heapLimitBytes;
      const details = inferenceDetails(model, options.batchSize, batch.size, limit ?? 0);
      throw new MemoryError(
        details,
        `the wasm heap ran out (${(error as Error).name}: ${(error as Error).message}) in ` +
          `${describeWork(details)} (${options.where}); estimated ${formatBytes(details.bytes)}` +
          (limit !== null ? `, limit ${formatBytes(limit)}` : "") +
          "; the model is unchanged (inference writes nothing), but the wasm backend may be unusable now: " +
          "restart the process with a smaller batch",
        { cause: error },
      );
    }
    options.onBatch(batch, logits);
  }
}
