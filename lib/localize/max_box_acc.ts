/** MaxBoxAcc and MaxBoxAccV2 (Choe et al., CVPR 2020, "Evaluating Weakly Supervised Object Localization Methods Right"). */
import { connectedComponents, type Connectivity } from "./boxes.ts";
import { maxIou } from "./iou.ts";
import { checkStack, mapAt } from "./_check.ts";
import { LocalizeError } from "./errors.ts";
import { sweepBoxAccuracy } from "./_sweep.ts";
import type { Box, MapStack } from "./types.ts";

/** Options of {@linkcode maxBoxAcc}. */
export interface MaxBoxAccOptions {
  /** Step of the τ sweep τ = 0, step, 2·step, ... < 1 (wsolevaluation's `cam_curve_interval`; its default is 0.001). @default 0.01 */
  camCurveInterval?: number;
  /** IoU thresholds δ; the result is the mean over δ of the best accuracy over τ. @default [0.5] */
  iouThresholds?: readonly number[];
  /** Score every component's box and keep the best (V2) instead of only the largest component's (V1). @default false */
  multiContour?: boolean;
  /** Quantise the normalised map to 8 bits and threshold at ⌊τ·max⌋ as wsolevaluation does (OpenCV). @default true */
  quantize?: boolean;
  /** @default 8 (OpenCV's contours are 8-connected) */
  connectivity?: Connectivity;
}

/** What {@linkcode maxBoxAcc} reports. Accuracies are fractions in [0, 1] (wsolevaluation prints percent). */
export interface MaxBoxAccResult {
  /** Mean over the IoU thresholds of the best accuracy over τ. */
  readonly value: number;
  /** The τ values swept. */
  readonly thresholds: readonly number[];
  /** Per IoU threshold: the best accuracy over τ. */
  readonly maxAccuracy: readonly number[];
  /** Per IoU threshold: the first τ reaching it. */
  readonly bestThreshold: readonly number[];
  /** Per IoU threshold: the box accuracy at every τ. */
  readonly accuracy: readonly Float64Array[];
}

/**
 * MaxBoxAcc(δ) = max_τ BoxAcc(τ, δ), BoxAcc(τ, δ) = (1/N) Σ_n 1[IoU(box_n(τ), B_n) ≥ δ], with box_n(τ) from
 * the map of the true class thresholded at τ (GT-known), and the IoU taken against the best of the image's
 * true boxes. As in wsolevaluation, each map is first min-max normalised (a flat map becomes zeros), then
 * quantised to 8 bits q = ⌊255·m⌋ and kept where q > ⌊τ·max q⌋.
 *
 * Differences from wsolevaluation, all documented choices: boxes come from connected components (largest
 * by pixel count) instead of OpenCV contours (largest by polygon area); boxes use the inclusive convention
 * throughout (wsolevaluation's `x + w` end makes its boxes one pixel wider); an empty mask gives no box
 * (IoU 0) instead of the box (0, 0, 0, 0).
 *
 * @example
 * const v1 = maxBoxAcc(camResult, truthBoxes).value;
 */
export function maxBoxAcc(
  stack: MapStack,
  truth: readonly (readonly Box[])[],
  options: MaxBoxAccOptions = {},
): MaxBoxAccResult {
  const interval = options.camCurveInterval ?? 0.01;
  const iouThresholds = options.iouThresholds ?? [0.5];
  const multi = options.multiContour ?? false, quantize = options.quantize ?? true;
  if (!(interval > 0 && interval <= 1)) {
    throw new LocalizeError("maxBoxAcc", `camCurveInterval must be in (0, 1], got ${interval}`);
  }
  if (iouThresholds.length === 0) throw new LocalizeError("maxBoxAcc", "iouThresholds is empty");
  checkStack("maxBoxAcc", stack, truth.length);
  const [n, h, w] = stack.shape;
  if (n === 0) throw new LocalizeError("maxBoxAcc", "no maps");
  const thresholds: number[] = [];
  for (let i = 0; i * interval < 1; i++) thresholds.push(i * interval);
  const correct = sweepBoxAccuracy(n, (i) => mapAt(stack, i), thresholds, iouThresholds, {
    quantize,
    multi,
    components: (mask) => connectedComponents(mask, [h, w], { connectivity: options.connectivity }),
    bestIou: (box: Box, i) => maxIou(box, truth[i]),
  });
  const accuracy = correct.map((c) => c.map((v) => v / n));
  const maxAccuracy = accuracy.map((a) => Math.max(...a));
  const bestThreshold = accuracy.map((a, d) => thresholds[a.indexOf(maxAccuracy[d])]);
  const value = maxAccuracy.reduce((s, v) => s + v, 0) / maxAccuracy.length;
  return Object.freeze({ value, thresholds, maxAccuracy, bestThreshold, accuracy });
}

/**
 * MaxBoxAccV2 (Choe et al., 2020): the mean of MaxBoxAcc over δ ∈ {0.3, 0.5, 0.7}, each image scored by
 * the best of all its components' boxes (multi-contour).
 */
export function maxBoxAccV2(
  stack: MapStack,
  truth: readonly (readonly Box[])[],
  options: Omit<MaxBoxAccOptions, "iouThresholds" | "multiContour"> = {},
): MaxBoxAccResult {
  return maxBoxAcc(stack, truth, { ...options, iouThresholds: [0.3, 0.5, 0.7], multiContour: true });
}
