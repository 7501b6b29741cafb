/**
 * Boxes and localization metrics as pure functions on typed arrays (no tensors): a `CamResult` from
 * lib/cam is a {@linkcode MapStack} as is.
 *
 * - Boxes (Zhou et al., 2016): {@linkcode thresholdMap} at τ·max (τ = 0.2), {@linkcode connectedComponents}
 *   (4 or 8), {@linkcode boxFromMap} (largest component), {@linkcode tightLooseBoxes} (the two-box heuristic).
 * - {@linkcode boxPredictions} / {@linkcode tightLoosePredictions}: a top-k `CamResult` → ranked (class, box)
 *   guesses per image.
 * - {@linkcode iou} with the inclusive (+1 pixel) convention.
 * - Errors and accuracies: {@linkcode localizationError} (top-1 / top-5), {@linkcode classificationError},
 *   {@linkcode gtKnownAccuracy}, {@linkcode maxBoxAcc} / {@linkcode maxBoxAccV2} (Choe et al., 2020),
 *   {@linkcode pointingGame}.
 * - Against masks of any dimension (3-D ground truth): {@linkcode maskEnergy}, {@linkcode pxap}; the box of a
 *   2-D mask: {@linkcode maskBox}.
 * - 3-D maps (a 3-D `CamResult` is a {@linkcode MapStack3D} as is), the SE3D benchmark's metrics:
 *   {@linkcode max3dBoxAcc} / {@linkcode max3dBoxAccV2} over 3-D boxes ({@linkcode connectedComponents3d},
 *   {@linkcode boxFromVolume}, {@linkcode iou3d}) and {@linkcode vxap} (voxel-wise PxAP).
 * - Faithfulness (Petsiuk et al., 2018): {@linkcode deletionCurve}, {@linkcode insertionCurve} over any
 *   {@linkcode ScoreFunction}.
 *
 * All accuracies and errors are fractions in [0, 1].
 *
 * @example
 * import { boxFromMap, iou } from "./mod.ts";
 * const box = boxFromMap(result.maps.subarray(0, 64 * 64), [64, 64]);
 * const overlap = iou(box, truthBox);
 *
 * @module
 */
export {
  boxesFromMap,
  boxFromMap,
  type BoxOptions,
  type ComponentOptions,
  type Components,
  connectedComponents,
  type Connectivity,
  thresholdMap,
  type ThresholdOptions,
} from "./boxes.ts";
export { iou, maxIou } from "./iou.ts";
export { boxPredictions, type LabelledMaps, tightLoosePredictions } from "./predictions.ts";
export { type RankedMap, tightLooseBoxes, type TightLooseOptions } from "./tight_loose.ts";
export {
  classificationError,
  gtKnownAccuracy,
  localizationError,
  type LocErrorOptions,
} from "./loc_error.ts";
export { maxBoxAcc, type MaxBoxAccOptions, type MaxBoxAccResult, maxBoxAccV2 } from "./max_box_acc.ts";
export { pointingGame, type PointingOptions, type PointingResult } from "./pointing_game.ts";
export { maskEnergy, pxap, type PxapOptions } from "./mask_metrics.ts";
export { maskBox } from "./mask_box.ts";
export {
  boxFromVolume,
  type Components3D,
  connectedComponents3d,
  type Connectivity3D,
  iou3d,
  maxIou3d,
} from "./boxes_3d.ts";
export { max3dBoxAcc, type Max3DBoxAccOptions, max3dBoxAccV2, vxap } from "./max_box_acc_3d.ts";
export {
  type Curve,
  type CurveOptions,
  deletionCurve,
  type FaithfulnessSample,
  gaussianBlur,
  insertionCurve,
  type ScoreFunction,
} from "./faithfulness.ts";
export { LocalizeError } from "./errors.ts";
export type { Box, Box3D, GroundTruth, MapStack, MapStack3D, Prediction } from "./types.ts";
