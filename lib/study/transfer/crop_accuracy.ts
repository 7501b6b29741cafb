/**
 * Table 4 analogue (Zhou et al., 2016, Sec. 4.1 / Table 4 "fine-grained": classifying the CAM crop): accuracy
 * on the full image vs on the crop of the CAM box vs on the crop of the ground-truth box, each crop resized
 * back to the input size, and the fraction of CAM boxes with IoU ≥ 0.5 against the truth. As in the paper,
 * the crops can be classified by linear SVMs trained on GAP features of crops of a training set
 * (`svmTrain`); otherwise the network's own softmax classifies them (crops then differ in scale from what it
 * was trained on, which costs accuracy).
 */
import * as tf from "../../tf.ts";
import { cam, type CamOptions } from "../../cam/mod.ts";
import type { Dataset, Sample } from "../../data/mod.ts";
import { type Box, boxFromMap, iou } from "../../localize/mod.ts";
import type { Explainable } from "../../models/explainable.ts";
import {
  accuracy,
  argMaxRows,
  linearSvm,
  type LinearSvmOptions,
  packImages,
  svmScores,
} from "../../probes/mod.ts";
import { TransferError } from "./errors.ts";

/** Options of {@linkcode cropAccuracy}. */
export interface CropAccuracyOptions {
  /** CAM box threshold τ: the largest component above τ·max. @default 0.2 */
  threshold?: number;
  /**
   * The ground-truth box of a sample (inclusive pixels) of the test set or of `svmTrain` (`split` says
   * which), or null when it has none (that sample then counts its full image as the GT crop and a CAM box
   * as a miss). @default the sample's `box` `[x0, y0, x1, y1]` (cluttered digits), else `meta.box`
   */
  truthBox?: (sample: Sample, index: number, split: "test" | "train") => Box | null;
  /** Widen every crop box by this fraction of its size on each side (clipped to the image). @default 0 */
  margin?: number;
  /**
   * Training images for the paper's protocol: GAP features of their full images, CAM-box crops and GT-box
   * crops train one linear SVM per view, which then classifies the same view of the test images.
   * @default undefined (the network's own classifier)
   */
  svmTrain?: Dataset;
  /** SVM options when `svmTrain` is given. @default { cost: 0.1, standardize: true } */
  svm?: LinearSvmOptions;
  /** Use only the first `limit` training samples of `svmTrain`. @default all */
  trainLimit?: number;
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
  /** Who classified the views: the network's softmax, or per-view SVMs on GAP features. */
  classifier: "model" | "svm";
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
  margin: number;
  /** Per test image: the CAM box (null: empty map, full image used) and the truth box. */
  boxes: { cam: Box | null; truth: Box | null }[];
}

function defaultTruth(sample: Sample): Box | null {
  const raw = (sample as Sample & { box?: unknown }).box ?? sample.meta?.box;
  if (Array.isArray(raw) && raw.length === 4) return { x0: raw[0], y0: raw[1], x1: raw[2], y1: raw[3] };
  if (raw && typeof raw === "object" && "x0" in raw) return raw as Box;
  return null;
}

const VIEWS = ["full", "cam", "gt"] as const;

/** The three views of a dataset: predictions and GAP features of each, plus the boxes. */
interface Views {
  count: number;
  labels: Int32Array;
  predicted: Record<(typeof VIEWS)[number], Int32Array>;
  features: Record<(typeof VIEWS)[number], Float32Array>;
  numFeatures: number;
  numClasses: number;
  boxes: { cam: Box | null; truth: Box | null }[];
}

/**
 * Classify each image three ways and compare (see the module doc). The CAM is the model's own (or give a
 * model wrapped with `withClassifier` for SVM weights), for the full image's top-1 class, upsampled to the
 * input; its box is the paper's (threshold τ·max, largest connected component).
 *
 * @example
 * const own = await cropAccuracy(model, digits.test, { threshold: 0.2, limit: 500 });
 * const paper = await cropAccuracy(model, digits.test, { svmTrain: digits.train, trainLimit: 1000 });
 * console.log(paper.fullAccuracy, paper.camCropAccuracy, paper.gtCropAccuracy, paper.camBoxIou50);
 */
export async function cropAccuracy(
  model: Explainable,
  dataset: Dataset,
  options: CropAccuracyOptions = {},
): Promise<CropAccuracyResult> {
  const threshold = options.threshold ?? 0.2;
  const margin = options.margin ?? 0;
  const count = Math.min(options.limit ?? dataset.size, dataset.size);
  if (count === 0) throw new TransferError("cropAccuracy", "the dataset is empty");
  const test = await views(model, dataset, count, "test", options);
  let iou50 = 0, iouSum = 0;
  for (const b of test.boxes) {
    const overlap = iou(b.cam, b.truth);
    iouSum += overlap;
    if (overlap >= 0.5) iou50++;
  }
  const acc: Record<string, number> = {};
  if (options.svmTrain) {
    const trainCount = Math.min(options.trainLimit ?? options.svmTrain.size, options.svmTrain.size);
    if (trainCount === 0) throw new TransferError("cropAccuracy", "the svmTrain dataset is empty");
    const train = await views(model, options.svmTrain, trainCount, "train", options);
    const k = test.numClasses;
    for (const view of VIEWS) {
      const svm = linearSvm(train.features[view], train.labels, {
        cost: 0.1,
        standardize: true,
        ...options.svm,
        numClasses: k,
      });
      acc[view] = accuracy(argMaxRows(svmScores(svm, test.features[view]), k), test.labels);
    }
  } else {
    for (const view of VIEWS) acc[view] = accuracy(test.predicted[view], test.labels);
  }
  return {
    count,
    classifier: options.svmTrain ? "svm" : "model",
    fullAccuracy: acc.full,
    camCropAccuracy: acc.cam,
    gtCropAccuracy: acc.gt,
    camBoxIou50: iou50 / count,
    meanIou: iouSum / count,
    threshold,
    margin,
    boxes: test.boxes,
  };
}

async function views(
  model: Explainable,
  dataset: Dataset,
  count: number,
  split: "test" | "train",
  options: CropAccuracyOptions,
): Promise<Views> {
  const threshold = options.threshold ?? 0.2;
  const margin = options.margin ?? 0;
  const batchSize = options.batchSize ?? 32;
  const truthOf = options.truthBox ?? defaultTruth;
  const labels = new Int32Array(count);
  const predicted = { full: new Int32Array(count), cam: new Int32Array(count), gt: new Int32Array(count) };
  const features: Partial<Views["features"]> = {};
  let numFeatures = 0, numClasses = 0;
  const boxes: Views["boxes"] = [];
  for (let from = 0; from < count; from += batchSize) {
    const to = Math.min(count, from + batchSize);
    const n = to - from;
    const images = packImages(dataset, from, to);
    const [, h, w] = images.shape;
    try {
      const maps = await cam(model, images, { ...options.camOptions, classIndex: "top1", upsample: [h, w] });
      const camBoxes: (Box | null)[] = [], truthBoxes: (Box | null)[] = [];
      for (let i = 0; i < n; i++) {
        const sample = dataset.get(from + i);
        labels[from + i] = sample.label;
        const truth = truthOf(sample, from + i, split);
        const box = boxFromMap(maps.maps.subarray(i * h * w, (i + 1) * h * w), [h, w], { threshold });
        camBoxes.push(box);
        truthBoxes.push(truth);
        boxes.push({ cam: box, truth });
      }
      const perView = { full: camBoxes.map(() => null), cam: camBoxes, gt: truthBoxes };
      for (const view of VIEWS) {
        const out = await classifyCrops(model, images, perView[view], margin);
        predicted[view].set(out.predicted, from);
        numFeatures = out.numFeatures;
        numClasses = out.numClasses;
        features[view] ??= new Float32Array(count * numFeatures);
        features[view]!.set(out.features, from * numFeatures);
      }
    } finally {
      images.dispose();
    }
  }
  return {
    count,
    labels,
    predicted,
    features: features as Views["features"],
    numFeatures,
    numClasses,
    boxes,
  };
}

/**
 * Crop each image to its box (null: the whole image), widened by `margin` and resized back to the input size;
 * the top-1 class and the GAP features of each crop.
 */
async function classifyCrops(
  model: Explainable,
  images: tf.Tensor4D,
  boxes: readonly (Box | null)[],
  margin: number,
): Promise<{ predicted: Int32Array; features: Float32Array; numFeatures: number; numClasses: number }> {
  const [n, h, w] = images.shape;
  let numClasses = 0;
  const [top, pooled] = tf.tidy(() => {
    const norm = boxes.flatMap((b) => {
      if (!b) return [0, 0, 1, 1];
      const mx = margin * (b.x1 - b.x0 + 1), my = margin * (b.y1 - b.y0 + 1);
      const x0 = Math.max(0, b.x0 - mx), x1 = Math.min(w - 1, b.x1 + mx);
      const y0 = Math.max(0, b.y0 - my), y1 = Math.min(h - 1, b.y1 + my);
      return [y0 / (h - 1), x0 / (w - 1), y1 / (h - 1), x1 / (w - 1)];
    });
    const crops = tf.image.cropAndResize(
      images,
      tf.tensor2d(norm, [n, 4]),
      tf.range(0, n, 1, "int32") as tf.Tensor1D,
      [
        h,
        w,
      ],
    );
    const out = model.apply(crops, { capture: [model.camLayer] });
    numClasses = out.logits.shape[1];
    return [tf.argMax(out.logits, 1), tf.mean(out.activations[model.camLayer], [1, 2])];
  });
  const predicted = Int32Array.from(await top.data());
  const features = Float32Array.from(await pooled.data());
  const numFeatures = pooled.shape[1]!;
  tf.dispose([top, pooled]);
  return { predicted, features, numFeatures, numClasses };
}
