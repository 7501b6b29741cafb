/** Classification and localization error (ILSVRC protocol), and GT-known localization. */
import { maxIou } from "./iou.ts";
import { LocalizeError } from "./errors.ts";
import type { Box, GroundTruth, Prediction } from "./types.ts";

/** Options of {@linkcode localizationError}. */
export interface LocErrorOptions {
  /** How many of each image's ranked guesses count. @default 1 */
  topK?: number;
  /** A box is right when its IoU with some true box is at least this. @default 0.5 */
  iouThreshold?: number;
}

function checkLists(fn: string, a: number, b: number): void {
  if (a !== b) throw new LocalizeError(fn, `${a} predictions but ${b} ground truths`);
  if (a === 0) throw new LocalizeError(fn, "no images");
}

/**
 * Top-k localization error: the fraction of images where none of the first k guesses has both the true
 * class and IoU ≥ 0.5 with one of the true boxes (Russakovsky et al., 2015; Zhou et al., 2016, Table 2/3).
 * `predictions[i]` is image i's guesses in rank order (one box per class, or the five guesses of
 * {@linkcode tightLooseBoxes}).
 *
 * @example
 * localizationError([[{ classIndex: 3, box }]], [{ classIndex: 3, boxes: [truthBox] }]); // 0 or 1
 */
export function localizationError(
  predictions: readonly (readonly Prediction[])[],
  truth: readonly GroundTruth[],
  options: LocErrorOptions = {},
): number {
  const topK = options.topK ?? 1, iouThreshold = options.iouThreshold ?? 0.5;
  checkLists("localizationError", predictions.length, truth.length);
  let wrong = 0;
  for (let i = 0; i < truth.length; i++) {
    const hit = predictions[i].slice(0, topK).some((p) =>
      p.classIndex === truth[i].classIndex && maxIou(p.box, truth[i].boxes) >= iouThreshold
    );
    if (!hit) wrong++;
  }
  return wrong / truth.length;
}

/**
 * Top-k classification error: the fraction of images whose true class is not among the first k
 * predicted classes (`ranked[i]` in rank order).
 */
export function classificationError(
  ranked: readonly (readonly number[])[],
  truth: readonly number[],
  options: { topK?: number } = {},
): number {
  const topK = options.topK ?? 1;
  checkLists("classificationError", ranked.length, truth.length);
  let wrong = 0;
  for (let i = 0; i < truth.length; i++) if (!ranked[i].slice(0, topK).includes(truth[i])) wrong++;
  return wrong / truth.length;
}

/**
 * GT-known localization accuracy: the class is given (each box comes from the true class's map), and an
 * image counts when its box has IoU ≥ `iouThreshold` with one of its true boxes (Choe et al., 2020).
 */
export function gtKnownAccuracy(
  boxes: readonly (Box | null)[],
  truth: readonly (readonly Box[])[],
  options: { iouThreshold?: number } = {},
): number {
  const iouThreshold = options.iouThreshold ?? 0.5;
  checkLists("gtKnownAccuracy", boxes.length, truth.length);
  let right = 0;
  for (let i = 0; i < truth.length; i++) if (maxIou(boxes[i], truth[i]) >= iouThreshold) right++;
  return right / truth.length;
}
