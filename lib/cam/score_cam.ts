/** Score-CAM (Wang et al., 2020). */
import * as tf from "../tf.ts";
import type { Explainable } from "../models/explainable.ts";
import { CamError } from "./errors.ts";
import {
  captureMap,
  checkLayer,
  collect,
  finishMaps,
  pipelineSettings,
  resizeMaps,
  spatialAxes,
  weightedSum,
} from "./_pipeline.ts";
import { byImage, resolveTargets, targetScores } from "./_targets.ts";
import { heapLimitOf, imagesPerPass, inChunks } from "./_chunks.ts";
import type { CamResult, MapOptions, MapShapeOf } from "./types.ts";

/** Options of {@linkcode scoreCam}. */
export interface ScoreCamOptions extends MapOptions {
  /** Layer whose channels become masks, one of `model.layerNames`. @default model.camLayer */
  layer?: string;
  /** Masked images per forward pass (there are n·K of them); fewer where the heap cannot hold them. @default 32 */
  batchSize?: number;
}

/**
 * Score-CAM: each channel A_k of the layer, upsampled to the input (bilinear, or trilinear for volumes) and
 * min-max normalised to H_k ∈ [0, 1] (a flat channel gives an all-zero mask), masks the input; the channel's
 * weight is the softmax probability of the class for the masked input, w_k^c = softmax(f(X ∘ H_k))_c, and
 * L^c = ReLU(Σ_k w_k^c A_k) (Wang et al., 2020, eqs. 4-6; Algorithm 1).
 *
 * We use the probability itself, as the authors' implementation and torch-cam do, not the "increase of
 * confidence" f(X∘H_k) − f(X_b) of the paper's eq. 4 (a baseline X_b of zeros shifts every weight of a map
 * by the same amount). The masks of all images and channels run through the model in chunks of
 * `batchSize`; one set of forward passes serves every class of a top-k request. A model whose scores are
 * log-probabilities gives the same softmax (a per-image shift of the scores cancels).
 *
 * @example
 * ```ts
 * import * as tf from "../tf.ts";
 * import { createModel } from "../models/mod.ts";
 * const model = createModel("small-gap", { inputShape: [32, 32, 1], numClasses: 3 });
 * const images = tf.zeros([2, 32, 32, 1]) as tf.Tensor4D;
 * const { maps } = await scoreCam(model, images, { batchSize: 64 });
 * ```
 */
export async function scoreCam<T extends tf.Tensor4D | tf.Tensor5D>(
  model: Explainable,
  images: T,
  options: ScoreCamOptions = {},
): Promise<CamResult<MapShapeOf<T>>> {
  const requested = options.batchSize ?? 32;
  if (!Number.isInteger(requested) || requested < 1) {
    throw new CamError("scoreCam", `batchSize must be a positive integer, got ${requested}`);
  }
  const limit = heapLimitOf(options);
  const inputShape = images.shape.slice(1);
  const batchSize = limit === null
    ? requested
    : imagesPerPass("scoreCam", model, "inference", inputShape, requested, limit);
  return await inChunks(
    "scoreCam",
    model,
    images,
    options,
    "inference",
    (part, o) => scoreCamOf(model, part, o, batchSize),
  );
}

async function scoreCamOf<T extends tf.Tensor4D | tf.Tensor5D>(
  model: Explainable,
  images: T,
  options: ScoreCamOptions,
  batchSize: number,
): Promise<CamResult<MapShapeOf<T>>> {
  const layer = options.layer ?? model.camLayer;
  checkLayer("scoreCam", model, layer);
  const settings = pipelineSettings("scoreCam", options, true, images.shape);
  const n = images.shape[0];
  const inputSize = images.shape.slice(1, -1);
  const out = tf.tidy(() => {
    const forward = captureMap("scoreCam", model, images, layer);
    const activations = forward.activations;
    const targets = resolveTargets("scoreCam", forward.logits, options.classIndex, options.topK);
    const spatial = activations.shape.slice(1, -1);
    const k = activations.shape[activations.rank - 1];
    const numClasses = forward.logits.shape[1];
    // One low-resolution mask per (image, channel), image-major: row j is image ⌊j/K⌋, channel j mod K.
    const channelsFirst = [0, activations.rank - 1, ...spatialAxes(activations.rank, true)];
    const lowMasks = tf.reshape(tf.transpose(activations, channelsFirst), [n * k, ...spatial]);
    const maskAxes = spatialAxes(lowMasks.rank, false);
    const probabilities: tf.Tensor2D[] = [];
    for (let start = 0; start < n * k; start += batchSize) {
      const size = Math.min(batchSize, n * k - start);
      probabilities.push(tf.tidy(() => {
        const low = tf.slice(lowMasks, start, size);
        const up = resizeMaps(low, inputSize);
        const shifted = tf.sub(up, tf.min(up, maskAxes, true));
        const masks = tf.divNoNan(shifted, tf.max(shifted, maskAxes, true)); // a flat channel → zeros
        const imageRows = tf.floorDiv(tf.range(start, start + size, 1, "int32"), tf.scalar(k, "int32"));
        // The mask broadcasts over the input's channels.
        const masked = tf.mul(tf.gather(images as tf.Tensor, imageRows), tf.expandDims(masks, -1));
        return tf.softmax(model.apply(masked).logits);
      }));
    }
    // [n·K, C] → [n, C, K]; map (image i, class c) takes row i·C + c.
    const all = tf.reshape(
      tf.transpose(tf.reshape(tf.concat(probabilities, 0), [n, k, numClasses]), [0, 2, 1]),
      [n * numClasses, k],
    );
    const rows = tf.add(tf.mul(targets.imageIndex, tf.scalar(numClasses, "int32")), targets.classIndex);
    const weights = tf.gather(all, rows) as tf.Tensor2D;
    const raw = weightedSum(byImage(activations, targets), weights);
    return {
      maps: finishMaps(raw, settings),
      scores: targetScores(forward.logits, targets),
      imageIndex: targets.imageIndex,
      classIndex: targets.classIndex,
      weights,
      mapSize: raw.shape.slice(1),
      selection: targets.selection,
    };
  });
  return await collect(out, {
    method: "score-cam",
    layer,
    model,
    settings,
    inputShape: images.shape,
    extra: { score: "softmax", batchSize },
  }) as CamResult<MapShapeOf<T>>;
}
