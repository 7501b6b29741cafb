/**
 * Table 4 analogue (Zhou et al., 2016, Sec. 4.1 / Table 4 "fine-grained": classifying the CAM crop): accuracy
 * on the full image vs on the crop of the CAM box vs on the crop of the ground-truth box, each crop resized
 * back to the input size, and the fraction of CAM boxes with IoU ≥ 0.5 against the truth.
 */
import * as tf from "@tensorflow/tfjs-core";
import { cam, type CamOptions } from "../cam/mod.ts";
import type { Dataset, Sample } from "../data/mod.ts";
import { type Box, boxFromMap, iou } from "../localize/mod.ts";
import type { CamModel } from "../models/model.ts";
import { TransferError } from "./errors.ts";
import { packImages } from "./_images.ts";

/** Options of {@linkcode cropAccuracy}. */
export interface CropAccuracyOptions {
  /** CAM box threshold τ: the largest component above τ·max. @default 0.2 */
  threshold?: number;
  /**
   * The ground-truth box of a sample (inclusive pixels), or null when it has none (that sample then counts
   * its full image as the GT crop and a CAM box as a miss). @default the sample's `box` `[x0, y0, x1, y1]`
   * (cluttered digits), else `meta.box`
   */
  truthBox?: (sample: Sample, index: number) => Box | null;
  /** Further CAM options (relu, normalize, ...); the class is always the full image's top-1. @default {} */
  camOptions?: Omit<CamOptions, "classIndex" | "topK" | "upsample">;
  /** Images per batch. @default 32 */
  batchSize?: number;
  /** Use only the first `limit` samples. @default all */
  limit?: number;
}

/** What {@linkcode cropAccuracy} measures. */
export interface CropAccuracyResult {
  count: number;
  /** Top-1 accuracy on the full images. */
  fullAccuracy: number;
  /** Top-1 accuracy on the CAM-box crops (resized to the input size). */
  camCropAccuracy: number;
  /** Top-1 accuracy on the ground-truth-box crops (resized to the input size). */
  gtCropAccuracy: number;
  /** Fraction of CAM boxes (of the top-1 class) with IoU ≥ 0.5 against the truth. */
  camBoxIou50: number;
  /** Mean IoU of the CAM boxes. */
  meanIou: number;
  threshold: number;
  /** Per image: the CAM box (null: empty map, full image used) and the truth box. */
  boxes: { cam: Box | null; truth: Box | null }[];
}

function defaultTruth(sample: Sample): Box | null {
  const raw = (sample as Sample & { box?: unknown }).box ?? sample.meta?.box;
  if (Array.isArray(raw) && raw.length === 4) return { x0: raw[0], y0: raw[1], x1: raw[2], y1: raw[3] };
  if (raw && typeof raw === "object" && "x0" in raw) return raw as Box;
  return null;
}

/**
 * Classify each image three ways and compare (see the module doc). The CAM is the model's own (or give a
 * model wrapped with `withClassifier` for SVM weights), for the full image's top-1 class, upsampled to the
 * input; its box is the paper's (threshold τ·max, largest connected component).
 *
 * @example
 * const r = await cropAccuracy(model, digits.test, { threshold: 0.2, limit: 500 });
 * console.log(r.fullAccuracy, r.camCropAccuracy, r.gtCropAccuracy, r.camBoxIou50);
 */
export async function cropAccuracy(
  model: CamModel,
  dataset: Dataset,
  options: CropAccuracyOptions = {},
): Promise<CropAccuracyResult> {
  const threshold = options.threshold ?? 0.2;
  const batchSize = options.batchSize ?? 32;
  const truthOf = options.truthBox ?? defaultTruth;
  const count = Math.min(options.limit ?? dataset.size, dataset.size);
  if (count === 0) throw new TransferError("cropAccuracy", "the dataset is empty");
  let full = 0, camHit = 0, gtHit = 0, iou50 = 0, iouSum = 0;
  const boxes: CropAccuracyResult["boxes"] = [];
  for (let from = 0; from < count; from += batchSize) {
    const to = Math.min(count, from + batchSize);
    const n = to - from;
    const images = packImages(dataset, from, to);
    const [, h, w] = images.shape;
    try {
      const maps = await cam(model, images, { ...options.camOptions, classIndex: "top1", upsample: [h, w] });
      const camBoxes: (Box | null)[] = [], truthBoxes: (Box | null)[] = [], labels: number[] = [];
      for (let i = 0; i < n; i++) {
        const sample = dataset.get(from + i);
        labels.push(sample.label);
        const truth = truthOf(sample, from + i);
        const box = boxFromMap(maps.maps.subarray(i * h * w, (i + 1) * h * w), [h, w], { threshold });
        camBoxes.push(box);
        truthBoxes.push(truth);
        boxes.push({ cam: box, truth });
        const overlap = iou(box, truth);
        iouSum += overlap;
        if (overlap >= 0.5) iou50++;
        if (maps.record.classIndex[i] === sample.label) full++;
      }
      camHit += await countHits(model, images, camBoxes, labels);
      gtHit += await countHits(model, images, truthBoxes, labels);
    } finally {
      images.dispose();
    }
  }
  return {
    count,
    fullAccuracy: full / count,
    camCropAccuracy: camHit / count,
    gtCropAccuracy: gtHit / count,
    camBoxIou50: iou50 / count,
    meanIou: iouSum / count,
    threshold,
    boxes,
  };
}

/** Crop each image to its box (null: the whole image), resize back to the input size, count top-1 hits. */
async function countHits(
  model: CamModel,
  images: tf.Tensor4D,
  boxes: readonly (Box | null)[],
  labels: readonly number[],
): Promise<number> {
  const [n, h, w] = images.shape;
  const predicted = tf.tidy(() => {
    const norm = boxes.flatMap((b) =>
      b ? [b.y0 / (h - 1), b.x0 / (w - 1), b.y1 / (h - 1), b.x1 / (w - 1)] : [0, 0, 1, 1]
    );
    const crops = tf.image.cropAndResize(
      images,
      tf.tensor2d(norm, [n, 4]),
      tf.range(0, n, 1, "int32") as tf.Tensor1D,
      [h, w],
    );
    return tf.argMax(model.apply(crops, { training: false }).logits, 1);
  });
  const p = await predicted.data();
  predicted.dispose();
  let hits = 0;
  for (let i = 0; i < n; i++) if (p[i] === labels[i]) hits++;
  return hits;
}
