/**
 * Class-specific units (Zhou et al., 2016, Sec. 5 / Fig. 13): rank the CAM layer's units by their softmax
 * weight w_k^c for a class, and for the top units show the images that activate them most, masked to where
 * each unit fires.
 */
import * as tf from "../../tf.ts";
import type { Dataset } from "../../data/mod.ts";
import type { Explainable } from "../../models/explainable.ts";
import { packImages } from "../../probes/mod.ts";
import { TransferError } from "./errors.ts";

/** A unit and its weight for the class. */
export interface RankedUnit {
  unit: number;
  weight: number;
}

/**
 * The CAM layer's units ranked by the classifier weight w_k^c of class c, largest first (ties: lower index
 * first). Works with `withClassifier` models too (rank by an SVM's weights).
 *
 * @example
 * classUnits(model, 3, { top: 5 }); // [{ unit: 17, weight: 0.42 }, ...]
 */
export async function classUnits(
  model: Explainable,
  classIndex: number,
  options: { top?: number } = {},
): Promise<RankedUnit[]> {
  if (!model.classifier) {
    throw new TransferError("classUnits", `${model.config.name} has no classifier after global pooling`);
  }
  const classifier = model.classifier.bind(model);
  const column = tf.tidy(() => {
    const w = classifier().weights;
    const numClasses = w.shape[1];
    if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= numClasses) {
      throw new TransferError("classUnits", `class ${classIndex} is not in [0, ${numClasses})`);
    }
    return tf.reshape(tf.slice(w, [0, classIndex], [w.shape[0], 1]), [w.shape[0]]);
  });
  const weights = await column.data();
  column.dispose();
  const ranked = Array.from(weights, (weight, unit) => ({ unit, weight }));
  ranked.sort((a, b) => b.weight - a.weight || a.unit - b.unit);
  return ranked.slice(0, options.top ?? ranked.length);
}

/** Options of {@linkcode unitTopImages}. */
export interface UnitTopImagesOptions {
  /** Images kept per unit. @default 4 */
  perUnit?: number;
  /** Score of an image for a unit: the mean (GAP) or the max of its map. @default "mean" */
  score?: "mean" | "max";
  /** The mask keeps pixels where the upsampled unit map exceeds τ·max of that map. @default 0.2 */
  threshold?: number;
  /** Images per forward pass. @default 64 */
  batchSize?: number;
  /** Use only the first `limit` samples. @default all */
  limit?: number;
}

/** One unit's most activating images. */
export interface UnitImages {
  unit: number;
  images: {
    /** Index in the dataset. */
    index: number;
    /** The unit's score on that image (mean or max of its map). */
    activation: number;
    /** The unit's map upsampled to the input `[H, W]` (bilinear), raw values. */
    map: Float32Array;
    /** 1 where map > τ·max(map) (a flat or non-positive map gives all zeros), else 0. */
    mask: Uint8Array;
  }[];
}

/**
 * For each unit, the dataset images whose CAM-layer map of that unit scores highest, with the map upsampled
 * to the input and the mask of where it fires (apply it with {@linkcode maskImage}).
 *
 * @example
 * const top = await classUnits(model, 3, { top: 4 });
 * const shown = await unitTopImages(model, digits.test, top.map((u) => u.unit), { perUnit: 6 });
 */
export async function unitTopImages(
  model: Explainable,
  dataset: Dataset,
  units: readonly number[],
  options: UnitTopImagesOptions = {},
): Promise<UnitImages[]> {
  const perUnit = options.perUnit ?? 4;
  const threshold = options.threshold ?? 0.2;
  const batchSize = options.batchSize ?? 64;
  const count = Math.min(options.limit ?? dataset.size, dataset.size);
  if (count === 0) throw new TransferError("unitTopImages", "the dataset is empty");
  // Pass 1: the score of every image for every requested unit.
  const scores = units.map(() => new Float32Array(count));
  let channels = 0;
  for (let from = 0; from < count; from += batchSize) {
    const to = Math.min(count, from + batchSize);
    const images = packImages(dataset, from, to);
    const pooled = tf.tidy(() => {
      const f = model.apply(images, { capture: [model.camLayer] }).activations[model.camLayer];
      channels = f.shape[f.rank - 1];
      const axes = Array.from({ length: f.rank - 2 }, (_, i) => i + 1);
      return options.score === "max" ? tf.max(f, axes) : tf.mean(f, axes);
    });
    images.dispose();
    const v = await pooled.data();
    pooled.dispose();
    for (const [u, unit] of units.entries()) {
      if (unit < 0 || unit >= channels) {
        throw new TransferError("unitTopImages", `unit ${unit} is not in [0, ${channels})`);
      }
      for (let i = from; i < to; i++) scores[u][i] = v[(i - from) * channels + unit];
    }
  }
  // Pass 2: the maps of the winners only.
  const out: UnitImages[] = [];
  for (const [u, unit] of units.entries()) {
    const order = Array.from({ length: count }, (_, i) => i)
      .sort((a, b) => scores[u][b] - scores[u][a] || a - b)
      .slice(0, perUnit);
    const images = tf.tidy(() => tf.concat(order.map((i) => packImages(dataset, i, i + 1))) as tf.Tensor4D);
    const [, h, w] = images.shape;
    const maps = tf.tidy(() => {
      const f = model.apply(images, { capture: [model.camLayer] }).activations[model.camLayer] as tf.Tensor4D;
      const one = tf.slice(f, [0, 0, 0, unit], [f.shape[0], f.shape[1], f.shape[2], 1]) as tf.Tensor4D;
      return tf.image.resizeBilinear(one, [h, w], false, true);
    });
    images.dispose();
    const m = await maps.data();
    maps.dispose();
    out.push({
      unit,
      images: order.map((index, j) => {
        const map = Float32Array.from(m.subarray(j * h * w, (j + 1) * h * w));
        let max = -Infinity;
        for (const v of map) max = Math.max(max, v);
        const mask = new Uint8Array(h * w);
        if (max > 0) { for (let p = 0; p < h * w; p++) mask[p] = map[p] > threshold * max ? 1 : 0; }
        return { index, activation: scores[u][index], map, mask };
      }),
    });
  }
  return out;
}

/**
 * An image (HWC, any channels) with the pixels outside the mask dimmed: x·(m + dim·(1 − m)).
 *
 * @param dim Brightness kept outside the mask. @default 0.2
 */
export function maskImage(image: Float32Array, mask: Uint8Array, dim = 0.2): Float32Array {
  if (image.length % mask.length !== 0) {
    throw new TransferError(
      "maskImage",
      `an image of ${image.length} values does not fit a ${mask.length}-pixel mask`,
    );
  }
  const channels = image.length / mask.length;
  const out = new Float32Array(image.length);
  for (let i = 0; i < image.length; i++) out[i] = image[i] * (mask[Math.floor(i / channels)] ? 1 : dim);
  return out;
}
