/**
 * Data for training: datasets that stream batches, seeded augmentation on plain Float32Arrays, and
 * subject-level splits.
 *
 * - {@linkcode Dataset} / {@linkcode Sample}: random access, computed lazily; {@linkcode arrayDataset},
 *   {@linkcode mapDataset}, {@linkcode subset}.
 * - {@linkcode batches}: one NHWC Float32Array + Int32Array labels per batch, shuffled and augmented from a seed.
 * - Augmentation: {@linkcode flipHorizontal}, {@linkcode addGaussianNoise}, {@linkcode scaleJitter},
 *   {@linkcode randomCrop}, {@linkcode randomErasing}, all composed by {@linkcode augmentImage}.
 * - Splits: {@linkcode splitBySubject} (default, no subject on two sides), {@linkcode splitByFold} (k-fold
 *   cross-validation over subjects: each subject tested once) and the leaky {@linkcode splitBySlice}.
 * - {@linkcode Rng}: the seeded generator with a saveable state.
 *
 * @example
 * const split = splitBySubject(metas, { fractions: { train: 0.7, val: 0.15, test: 0.15 }, seed: 1 });
 * for (const b of batches(subset(all, split.train), { batchSize: 32, shuffle: true, seed: 1, augment: SEED_AUGMENTATION })) {
 *   // b.images: Float32Array NHWC, b.labels: Int32Array
 * }
 *
 * @module
 */
export { Rng, type RngState } from "../rng.ts";
export {
  arrayDataset,
  type Batch,
  batchCount,
  batches,
  type BatchOptions,
  type Dataset,
  DatasetError,
  mapDataset,
  type Sample,
  subset,
} from "./dataset.ts";
export {
  addGaussianNoise,
  AugmentError,
  augmentImage,
  type AugmentOptions,
  type Box,
  type CropOptions,
  type ErasingOptions,
  flipHorizontal,
  type FlipOptions,
  type ImageDims,
  type NoiseOptions,
  randomCrop,
  randomErasing,
  resizeBilinear,
  sampleErasingBox,
  scaleJitter,
  type ScaleOptions,
  SEED_AUGMENTATION,
} from "./augment.ts";
export {
  type FoldOptions,
  type FoldSplitOptions,
  type Split,
  splitByFold,
  splitBySlice,
  splitBySubject,
  SplitError,
  type SplitFractions,
  type SplitMeta,
  type SplitOptions,
  subjectFolds,
  subjectOverlap,
} from "./split.ts";
export * from "./cohort.ts";
export {
  type Affine3dOptions,
  affineResample3d,
  type Augment3dOptions,
  augmentVolume,
  type Erasing3dOptions,
  flipVolume,
  randomAffine3d,
  randomErasing3d,
  VOLUME_AUGMENTATION,
  type VolumeDims,
} from "./augment_3d.ts";
