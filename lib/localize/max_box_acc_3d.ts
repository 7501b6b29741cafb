/**
 * Max3DBoxAcc, Max3DBoxAccV2 and VxAP: the 3-D MaxBoxAcc, MaxBoxAccV2 and PxAP of the SE3D benchmark
 * (Sharma et al., 2024, "SE3D: A Framework for Saliency Method Evaluation in 3D Imaging"), computed as their
 * 2-D counterparts here are (Choe et al., 2020; wsolevaluation), with volumes for images and 3-D boxes.
 */
import { connectedComponents3d, type Connectivity3D, maxIou3d } from "./boxes_3d.ts";
import { LocalizeError } from "./errors.ts";
import type { MaxBoxAccResult } from "./max_box_acc.ts";
import { pxap, type PxapOptions } from "./mask_metrics.ts";
import { sweepBoxAccuracy } from "./_sweep.ts";
import type { Box3D, MapStack3D } from "./types.ts";

/** Options of {@linkcode max3dBoxAcc}. */
export interface Max3DBoxAccOptions {
  /** Step of the τ sweep τ = 0, step, 2·step, ... < 1. @default 0.01 */
  camCurveInterval?: number;
  /** IoU thresholds δ; the result is the mean over δ of the best accuracy over τ. @default [0.5] */
  iouThresholds?: readonly number[];
  /** Score every component's box and keep the best (V2) instead of only the largest component's. @default false */
  multiContour?: boolean;
  /** Quantise the normalised volume to 8 bits and threshold at ⌊τ·max⌋, as the 2-D metric does. @default true */
  quantize?: boolean;
  /** Voxel adjacency of the components. @default 26 (the 3-D analogue of OpenCV's 8-connected contours) */
  connectivity?: Connectivity3D;
}

function checkStack3d(fn: string, stack: MapStack3D, count: number): void {
  const [n, d, h, w] = stack.shape;
  if (stack.shape.length !== 4 || ![n, d, h, w].every((v) => Number.isInteger(v) && v >= 0)) {
    throw new LocalizeError(fn, `shape must be [count, depth, height, width], got [${stack.shape}]`);
  }
  if (stack.maps.length !== n * d * h * w) {
    throw new LocalizeError(
      fn,
      `maps hold ${stack.maps.length} values but shape [${stack.shape}] needs ${n * d * h * w}`,
    );
  }
  if (count !== n) throw new LocalizeError(fn, `${n} volumes but ${count} ground truths`);
  if (n === 0) throw new LocalizeError(fn, "no volumes");
}

/**
 * Max3DBoxAcc(δ) = max_τ 3DBoxAcc(τ, δ), 3DBoxAcc(τ, δ) = (1/N) Σ_n 1[IoU₃(box_n(τ), B_n) ≥ δ]: each volume
 * (the map of the true class) min-max normalised, quantised to 8 bits, kept where above ⌊τ·max⌋; box_n(τ)
 * the 3-D bounding box of its largest connected component (26-connected; with `multiContour`, the best of
 * every component's box), scored against the best of the volume's true boxes.
 *
 * @example
 * const v = max3dBoxAcc(camResult3d, truthBoxes).value;
 */
export function max3dBoxAcc(
  stack: MapStack3D,
  truth: readonly (readonly Box3D[])[],
  options: Max3DBoxAccOptions = {},
): MaxBoxAccResult {
  const interval = options.camCurveInterval ?? 0.01;
  const iouThresholds = options.iouThresholds ?? [0.5];
  if (!(interval > 0 && interval <= 1)) {
    throw new LocalizeError("max3dBoxAcc", `camCurveInterval must be in (0, 1], got ${interval}`);
  }
  if (iouThresholds.length === 0) throw new LocalizeError("max3dBoxAcc", "iouThresholds is empty");
  checkStack3d("max3dBoxAcc", stack, truth.length);
  const [n, d, h, w] = stack.shape;
  const size = d * h * w;
  const thresholds: number[] = [];
  for (let i = 0; i * interval < 1; i++) thresholds.push(i * interval);
  const maps = stack.maps as ArrayLike<number> & { subarray?: (a: number, b: number) => ArrayLike<number> };
  const at = (i: number) =>
    typeof maps.subarray === "function"
      ? maps.subarray(i * size, (i + 1) * size)
      : Array.prototype.slice.call(maps, i * size, (i + 1) * size) as number[];
  const correct = sweepBoxAccuracy(n, at, thresholds, iouThresholds, {
    quantize: options.quantize ?? true,
    multi: options.multiContour ?? false,
    components: (mask) => connectedComponents3d(mask, [d, h, w], { connectivity: options.connectivity }),
    bestIou: (box: Box3D, i) => maxIou3d(box, truth[i]),
  });
  const accuracy = correct.map((c) => c.map((v) => v / n));
  const maxAccuracy = accuracy.map((a) => Math.max(...a));
  const bestThreshold = accuracy.map((a, k) => thresholds[a.indexOf(maxAccuracy[k])]);
  const value = maxAccuracy.reduce((s, v) => s + v, 0) / maxAccuracy.length;
  return Object.freeze({ value, thresholds, maxAccuracy, bestThreshold, accuracy });
}

/**
 * Max3DBoxAccV2 (SE3D): the mean of Max3DBoxAcc over δ ∈ {0.3, 0.5, 0.7}, each volume scored by the best of
 * all its components' boxes.
 *
 * @example
 * const v2 = max3dBoxAccV2(camResult3d, truthBoxes).value;
 */
export function max3dBoxAccV2(
  stack: MapStack3D,
  truth: readonly (readonly Box3D[])[],
  options: Omit<Max3DBoxAccOptions, "iouThresholds" | "multiContour"> = {},
): MaxBoxAccResult {
  return max3dBoxAcc(stack, truth, { ...options, iouThresholds: [0.3, 0.5, 0.7], multiContour: true });
}

/**
 * VxAP (SE3D): voxel-wise average precision, PxAP over the voxels of every volume together (their scores in
 * [0, 1], e.g. min-max normalised CAMs) against 3-D masks (1 object, 0 background, other values ignored).
 *
 * @example
 * vxap(camResult3d, effectMasks); // 1 when every object voxel outscores every background voxel
 */
export function vxap(stack: MapStack3D, masks: ArrayLike<number>, options: PxapOptions = {}): number {
  const [n, d, h, w] = stack.shape;
  if (stack.shape.length !== 4 || stack.maps.length !== n * d * h * w) {
    throw new LocalizeError(
      "vxap",
      `maps hold ${stack.maps.length} values, not a [count, depth, height, width] stack [${stack.shape}]`,
    );
  }
  if (masks.length !== stack.maps.length) {
    throw new LocalizeError("vxap", `maps hold ${stack.maps.length} voxels but the masks ${masks.length}`);
  }
  try {
    return pxap(stack.maps, masks, options);
  } catch (e) {
    if (e instanceof LocalizeError) throw new LocalizeError("vxap", e.message.replace(/^pxap: /, ""));
    throw e;
  }
}
