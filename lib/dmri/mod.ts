/**
 * Diffusion MRI: gradient tables from FSL bval/bvec files, the diffusion tensor fit (OLS and dipy's WLS)
 * with FA, MD, AD, RD, eigenvalues and the principal eigenvector, a b0 brain mask, and the forward tensor
 * model for simulation. Conventions follow dipy 1.6 (`gradient_table`, `TensorModel`, `median_otsu`).
 *
 * Bad inputs are errors or NaN, never a plausible wrong number:
 * - A bval/bvec file with an unparsable token, a `nan` or infinite b-value, a negative b-value, an infinite
 *   b-vector entry, or a `nan` b-vector for a diffusion-weighted volume is a {@linkcode DmriError} naming the
 *   file, the line and the entry (an all-`nan` vector of a b0 volume is dipy's convention and reads as 0).
 *   Counts that disagree (b-values, b-vectors, DWI volumes) are errors naming the files.
 * - {@linkcode fitTensor} and {@linkcode fitTensorParallel} first run {@linkcode validateGradientTable}: a
 *   table with no diffusion-weighted volume, fewer than 6 distinct directions, a rank-deficient design
 *   (coplanar directions; single shell without b0), b-values above 1e5 s/mm² or non-unit b-vectors is refused.
 * - A voxel with a NaN or ±∞ sample is NaN in every tensor map.
 *
 * Speed: the fit's sums over the volumes run as DGEMMs on a native BLAS (lib/native: OpenBLAS or Accelerate)
 * where one loads, over blocks of voxels, else per voxel in JavaScript (option `kernel`; the maps agree to
 * ~1e-12). {@linkcode fitTensorParallel} spreads z-slabs over workers; {@linkcode autoFitWorkers} picks how
 * many from the load, which {@linkcode cpuSnapshot} and {@linkcode busyCoresSince} measure over an interval.
 *
 * @example
 * import { brainMask, fitTensor, loadGradients } from "./lib/dmri/mod.ts";
 * const gtab = await loadGradients("dwi.bval", "dwi.bvec", { volumes: dwi.shape[3] });
 * const { fa, v1 } = fitTensor(dwi, gtab, { method: "wls", mask: brainMask(dwi, gtab) });
 *
 * @module
 */

export { DmriError } from "./errors.ts";
export {
  type GradientTable,
  gradientTable,
  type GradientTableOptions,
  loadGradients,
  type LoadGradientsOptions,
  parseBvals,
  parseBvecs,
  readBvals,
  readBvecs,
} from "./gradients.ts";
export {
  DIPY_MIN_SIGNAL,
  fitTensor,
  type FitTensorOptions,
  type TensorMaps,
  type TensorProvenance,
} from "./tensor_fit.ts";
export {
  autoFitWorkers,
  busyCoresSince,
  type CpuSnapshot,
  cpuSnapshot,
  fitTensorParallel,
  type FitTensorParallelOptions,
  FitWorkerPool,
  PARALLEL_FIT_MIN_SAMPLES,
} from "./tensor_fit_parallel.ts";
export { tensorFromEigen, tensorSignal, type TensorSignalOptions } from "./tensor_signal.ts";
export {
  type GradientTableCheck,
  MAX_BVALUE,
  MAX_DESIGN_CONDITION,
  SAME_AXIS_DEGREES,
  validateGradientTable,
  type ValidateGradientTableOptions,
} from "./validate_gradient_table.ts";
export {
  brainMask,
  type BrainMaskOptions,
  keepLargestComponent,
  medianFilter3,
  otsuThreshold,
} from "./brain_mask.ts";
