/** Deep features of a trained network: the GAP vector of its CAM layer (or any captured layer). */
import * as tf from "../tf.ts";
import type { Dataset } from "../data/mod.ts";
import type { Explainable } from "../models/explainable.ts";
import { ProbeError } from "./errors.ts";
import { packImages } from "./_images.ts";

/** Options of {@linkcode gapFeatures}. */
export interface GapFeaturesOptions {
  /**
   * Layer whose output is the feature: a map `[n, ...spatial, K]` (2-D or 3-D) is averaged over its positions
   * (GAP), a 2D output (a dense layer's) is taken as is. @default the model's CAM layer
   */
  layer?: string;
  /** Images per forward pass. @default 64 */
  batchSize?: number;
  /** Use only the first `limit` samples. @default all */
  limit?: number;
}

/** Features of a dataset, row-major `[count, numFeatures]`, with the labels. */
export interface DeepFeatures {
  features: Float32Array;
  labels: Int32Array;
  count: number;
  numFeatures: number;
  /** The layer they came from. */
  layer: string;
}

/**
 * The feature of image x is the GAP vector F_k = (1/Z) Σ_{x,y} f_k(x, y) of the CAM layer's maps
 * (Zhou et al., 2016, Sec. 4 "deep features"), computed in inference mode.
 *
 * @example
 * const train = await gapFeatures(model, digits.train);
 * const svm = linearSvm(train.features, train.labels, { numClasses: 10 });
 */
export async function gapFeatures(
  model: Explainable,
  dataset: Dataset,
  options: GapFeaturesOptions = {},
): Promise<DeepFeatures> {
  const layer = options.layer ?? model.camLayer;
  if (!model.layerNames.includes(layer)) {
    throw new ProbeError("gapFeatures", `${model.config.name} has no layer ${layer}`);
  }
  const batchSize = options.batchSize ?? 64;
  const count = Math.min(options.limit ?? dataset.size, dataset.size);
  if (count === 0) throw new ProbeError("gapFeatures", "the dataset is empty");
  const labels = new Int32Array(count);
  let features: Float32Array | undefined;
  let numFeatures = 0;
  for (let from = 0; from < count; from += batchSize) {
    const to = Math.min(count, from + batchSize);
    const images = packImages(dataset, from, to);
    const pooled = tf.tidy(() => {
      const t = model.apply(images, { capture: [layer] }).activations[layer];
      if (t.rank >= 4) return tf.mean(t, Array.from({ length: t.rank - 2 }, (_, i) => i + 1)) as tf.Tensor2D;
      if (t.rank === 2) return t as tf.Tensor2D;
      return tf.reshape(t, [to - from, -1]) as tf.Tensor2D;
    });
    images.dispose();
    const values = await pooled.data() as Float32Array;
    numFeatures = pooled.shape[1];
    pooled.dispose();
    features ??= new Float32Array(count * numFeatures);
    features.set(values, from * numFeatures);
    for (let i = from; i < to; i++) labels[i] = dataset.get(i).label;
  }
  return { features: features!, labels, count, numFeatures, layer };
}
