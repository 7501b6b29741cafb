/**
 * Inference over a dataset in batches, returning logits as plain arrays (shared by validation in the training
 * loop and by evaluate()).
 */
import * as tf from "../tf.ts";
import { type Batch, batches, type Dataset } from "../data/mod.ts";
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

/** Logits of a batch in inference mode, read back (await data(), which every backend supports). */
export async function inferBatch(model: CamModel, batch: Batch): Promise<Float32Array> {
  const logits = tf.tidy(() => model.apply(batchTensor(batch), { training: false }).logits);
  try {
    return (await logits.data()) as Float32Array;
  } finally {
    logits.dispose();
  }
}

/** Run the model over `dataset` in order, calling `onBatch` with each batch's logits `[n, numClasses]`. */
export async function forEachLogits(
  model: CamModel,
  dataset: Dataset,
  options: { batchSize: number; where: string; onBatch: (batch: Batch, logits: Float32Array) => void },
): Promise<void> {
  for (const batch of batches(dataset, { batchSize: options.batchSize })) {
    checkBatch(options.where, model, batch);
    options.onBatch(batch, await inferBatch(model, batch));
  }
}
