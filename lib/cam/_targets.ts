/** Which (image, class) pair each map explains. Private: shared by every method. */
import * as tf from "../tf.ts";
import { CamError } from "./errors.ts";
import type { ClassSelector } from "./types.ts";

/** Resolved targets, as int32 tensors (created in the caller's tidy). */
export interface Targets {
  /** Image of each map, `[m]`. */
  imageIndex: tf.Tensor1D;
  /** Class of each map, `[m]`. */
  classIndex: tf.Tensor1D;
  /** True when map i belongs to image i (no top-k expansion), so no gather is needed. */
  identity: boolean;
  /** What was asked for, for the record. */
  selection: string;
}

/** Check a class selection against the batch size and class count before any work. */
export function checkSelection(
  method: string,
  selector: ClassSelector,
  topK: number | undefined,
  batch: number,
  numClasses: number,
): void {
  if (topK !== undefined) {
    if (!Number.isInteger(topK) || topK < 1 || topK > numClasses) {
      throw new CamError(method, `topK must be an integer in 1..${numClasses}, got ${topK}`);
    }
    return;
  }
  if (selector === "top1") return;
  const list = typeof selector === "number" ? [selector] : selector;
  if (typeof selector !== "number" && list.length !== batch) {
    throw new CamError(method, `classIndex has ${list.length} entries for a batch of ${batch}`);
  }
  for (const c of list) {
    if (!Number.isInteger(c) || c < 0 || c >= numClasses) {
      throw new CamError(method, `classIndex ${c} is out of range for ${numClasses} classes`);
    }
  }
}

/**
 * Resolve the selector against the logits `[n, C]`: top-1 and top-k stay on the device (no read-back).
 * Must be called inside a `tf.tidy`.
 */
export function resolveTargets(
  method: string,
  logits: tf.Tensor2D,
  selector: ClassSelector = "top1",
  topK?: number,
): Targets {
  const [n, numClasses] = logits.shape;
  checkSelection(method, selector, topK, n, numClasses);
  if (topK !== undefined) {
    const classIndex = tf.reshape(tf.topk(logits, topK).indices, [-1]) as tf.Tensor1D;
    const imageIndex = tf.reshape(tf.tile(tf.reshape(tf.range(0, n, 1, "int32"), [n, 1]), [1, topK]), [
      -1,
    ]) as tf.Tensor1D;
    return { imageIndex, classIndex, identity: topK === 1, selection: `top${topK}` };
  }
  const imageIndex = tf.range(0, n, 1, "int32") as tf.Tensor1D;
  if (selector === "top1") {
    return {
      imageIndex,
      classIndex: tf.cast(tf.argMax(logits, 1), "int32") as tf.Tensor1D,
      identity: true,
      selection: "top1",
    };
  }
  const list = typeof selector === "number" ? new Array(n).fill(selector) : [...selector];
  return { imageIndex, classIndex: tf.tensor1d(list, "int32"), identity: true, selection: "given" };
}

/** Rows of a batch tensor picked by the targets' images (the tensor itself when no expansion). */
export function byImage<T extends tf.Tensor>(x: T, targets: Targets): T {
  return targets.identity ? x : tf.gather(x, targets.imageIndex) as T;
}

/** logits[imageIndex[i], classIndex[i]] for every map, `[m]`. */
export function targetScores(logits: tf.Tensor2D, targets: Targets): tf.Tensor1D {
  const numClasses = logits.shape[1];
  const flat = tf.add(tf.mul(targets.imageIndex, tf.scalar(numClasses, "int32")), targets.classIndex);
  return tf.gather(tf.reshape(logits, [-1]), flat) as tf.Tensor1D;
}

/** One-hot rows `[m, C]` that pick each map's class score out of logits of the expanded batch. */
export function targetMask(targets: Targets, numClasses: number): tf.Tensor2D {
  // Not tf.oneHot: it refuses depth 1, and a one-output model is a valid CamModel.
  const classes = tf.reshape(tf.range(0, numClasses, 1, "int32"), [1, numClasses]);
  return tf.cast(tf.equal(tf.reshape(targets.classIndex, [-1, 1]), classes), "float32") as tf.Tensor2D;
}
