/**
 * Diffusion MRI: gradient tables from FSL bval/bvec files, the diffusion tensor fit (OLS and dipy's WLS)
 * with FA, MD, AD, RD, eigenvalues and the principal eigenvector, a b0 brain mask, and the forward tensor
 * model for simulation. Conventions follow dipy 1.6 (`gradient_table`, `TensorModel`, `median_otsu`).
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
export { fitTensorParallel, type FitTensorParallelOptions, FitWorkerPool } from "./tensor_fit_parallel.ts";
export { tensorFromEigen, tensorSignal, type TensorSignalOptions } from "./tensor_signal.ts";
export {
  brainMask,
  type BrainMaskOptions,
  keepLargestComponent,
  medianFilter3,
  otsuThreshold,
} from "./brain_mask.ts";
