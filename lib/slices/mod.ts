/**
 * 2.5D slicing of 3-D maps (e.g. FA) into square single-channel images, and the way back.
 *
 * - {@linkcode sliceVolume}: the centre N slices along each anatomical axis, reoriented to RAS+ from the
 *   affine (same anatomy → same images whatever the storage order), laid out superior-up / anterior-up
 *   in neurological left-right, normalised, resampled bilinearly to a padded square, with provenance.
 * - {@linkcode packSlices} / {@linkcode unpackMaps}: one N x H x W x 1 buffer for a model, and back.
 * - {@linkcode slicesToVolume}: per-slice maps (CAMs) back into the source voxel grid, averaging axes.
 * - {@linkcode toCanonical} / {@linkcode axisOrientation}: nibabel-style closest canonical orientation.
 *
 * @example
 * import { packSlices, sliceVolume, slicesToVolume } from "./lib/slices/mod.ts";
 * const slices = sliceVolume(fa, { count: 16, size: 224, subject: "HCD0001" });
 * const batch = packSlices(slices);                         // [48, 224, 224, 1]
 * const { volume, coverage } = slicesToVolume(camMaps, fa); // CAM volume on fa's grid
 *
 * @module
 */

export { AXES, type AxisName, centreSlices, type Interpolation, type PlaneGrid, PLANES } from "./_layout.ts";
export { packSlices, type SliceBatch, type SliceMap, unpackMaps } from "./batch.ts";
export { SliceError } from "./errors.ts";
export {
  applyNormalization,
  fitNormalization,
  type MaskChoice,
  type NormalizationMethod,
  type NormalizationOptions,
  type NormalizationRecord,
  normalizeValue,
  percentile,
} from "./normalize.ts";
export {
  type AxisOrientation,
  axisOrientation,
  type CanonicalGeometry,
  canonicalGeometry,
  type CanonicalGrid,
  type CanonicalOptions,
  canonicalToSource,
  toCanonical,
} from "./orientation.ts";
export {
  extractPlane,
  type SliceImage,
  type SliceOptions,
  type SliceProvenance,
  sliceVolume,
} from "./slice_volume.ts";
export { type ReassembledVolume, slicesToVolume, type SlicesToVolumeOptions } from "./slices_to_volume.ts";
