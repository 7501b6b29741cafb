/**
 * The analyses of the CAM paper's transfer experiments (Zhou et al., 2016, Sec. 4–5), built on lib/probes
 * (deep features, linear SVMs) and lib/foreign (pretrained nets); `runTransferCell` and notebook 07 use them.
 *
 * - Table 4 ("fine-grained": classifying the CAM crop): {@linkcode cropAccuracy}, full image vs CAM-box
 *   crop vs ground-truth-box crop.
 * - Pattern discovery (Fig. 11): {@linkcode weakLabels} and {@linkcode conceptDetector}, a concept localized
 *   by the CAM of an SVM trained on weak labels.
 * - Class-specific units (Fig. 13): {@linkcode classUnits}, {@linkcode unitTopImages}, {@linkcode maskImage}.
 * - CAM on networks nobody here trained: {@linkcode expressionMaps}, CAM and Grad-CAM of every expression
 *   of a pretrained face net.
 *
 * @example
 * import { cropAccuracy } from "./mod.ts";
 * const r = await cropAccuracy(model, digits.test, { svmTrain: digits.train, trainLimit: 1000 });
 * console.log(r.fullAccuracy, r.camCropAccuracy, r.gtCropAccuracy, r.camBoxIou50);
 *
 * @module
 */
export { TransferError } from "./errors.ts";
export { cropAccuracy, type CropAccuracyOptions, type CropAccuracyResult } from "./crop_accuracy.ts";
export {
  classUnits,
  maskImage,
  type RankedUnit,
  type UnitImages,
  unitTopImages,
  type UnitTopImagesOptions,
} from "./class_units.ts";
export {
  type ConceptDetector,
  conceptDetector,
  type WeakLabelOptions,
  weakLabels,
} from "./concept_detector.ts";
export { type ExpressionMaps, expressionMaps, type ExpressionMapsOptions } from "./expression_maps.ts";
