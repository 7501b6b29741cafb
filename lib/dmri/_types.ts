/**
 * The public types of the tensor fit (private file; exported through tensor_fit.ts and mod.ts). They live
 * apart so that _fit_setup.ts and tensor_fit.ts do not import each other.
 *
 * @module
 */

import type { Volume } from "../nifti/volume.ts";
import type { ValidateGradientTableOptions } from "./validate_gradient_table.ts";

/** Options of {@linkcode fitTensor}. */
export interface FitTensorOptions {
  /**
   * "ols": β = X⁺ ln S. "wls": dipy's two-pass weighted fit, weights w = exp(X·β_OLS) (the predicted
   * signal), β = argmin Σ w² (X·β − ln S)². @default "ols"
   */
  method?: "ols" | "wls";
  /** Voxels to fit (non-zero = fit); a 3-D Volume or array of nx·ny·nz. Outside it all maps are 0. @default null (every voxel) */
  mask?: Volume | Uint8Array | null;
  /**
   * Floor of the signal before the logarithm, ln max(S, minSignal). A number, or "smallest-positive" for
   * the smallest positive sample in the data. dipy 1.6's code uses the constant 1e-4 (its docstring says
   * "minimal signal in the data"); for integer data both floors leave every positive sample unchanged and
   * differ only on zero samples. @default 1e-4
   */
  minSignal?: number | "smallest-positive";
  /**
   * How the per-voxel sums are computed (the maps agree to rounding, ~1e-12 relative): "blas" as matrix
   * products over blocks of voxels on the native DGEMM (lib/native loadBlas: OpenBLAS or Accelerate, opened
   * once per thread with its thread pool left as it is; ~3x faster on an HCP subject), "js" per voxel in
   * JavaScript, "auto" "blas" where a BLAS loads (FFI permitted), else "js". "blas" without one is a
   * {@linkcode DmriError}. @default "auto"
   */
  kernel?: "auto" | "blas" | "js";
  /** Called after each slab of voxels with (voxels done, total voxels), e.g. for progress or memory probes. @default none */
  onProgress?: (done: number, total: number) => void;
  /**
   * Limits of the gradient-table check run before the fit ({@linkcode validateGradientTable}): b-value bound,
   * unit-norm tolerance, design condition number. @default {} (maxBvalue 1e5, the table's atol, κ ≤ 1e3)
   */
  gradientChecks?: ValidateGradientTableOptions;
}

/**
 * The maps of a tensor fit, all float32 Volumes with the input's affine. Eigenvalues are sorted
 * λ₁ ≥ λ₂ ≥ λ₃ and floored at dipy's minimum diffusivity 1e-6 / max|X| (X the design matrix).
 *
 * Per voxel: outside the mask every map is 0; a voxel with a non-finite sample (NaN, ±Infinity, float
 * input only) is NaN in every map (FA, MD, AD, RD, eigenvalues and V1), never a plausible number; samples
 * ≤ 0 are floored at `minSignal` as in dipy, so an all-zero voxel gives FA 0 and MD = the eigenvalue floor.
 */
export interface TensorMaps {
  /**
   * Fractional anisotropy √(½ Σ(λi − λj)² / Σλi²), clipped to [0, 1] (dipy's nan_to_num applies only to
   * finite samples: a voxel with a non-finite sample stays NaN). Shape (nx, ny, nz).
   */
  fa: Volume;
  /** Mean diffusivity (λ₁ + λ₂ + λ₃)/3, mm²/s. */
  md: Volume;
  /** Axial diffusivity λ₁. */
  ad: Volume;
  /** Radial diffusivity (λ₂ + λ₃)/2. */
  rd: Volume;
  /** Eigenvalues, shape (nx, ny, nz, 3). */
  evals: Volume;
  /**
   * Principal eigenvector (unit, sign arbitrary), shape (nx, ny, nz, 3), in the frame of the b-vectors as
   * given (dipy's convention: no FSL x-flip for affines with positive determinant is applied).
   */
  v1: Volume;
  /** How the maps were made. */
  provenance: TensorProvenance;
}

/** The record that travels with {@linkcode TensorMaps}. */
export interface TensorProvenance {
  /** The function that made the maps. */
  tool: "cam-dmri fitTensor";
  /** Fit method. */
  method: "ols" | "wls";
  /** Floor of the signal before the logarithm. */
  minSignal: number;
  /** Floor of the eigenvalues, 1e-6 / max|X|. */
  minDiffusivity: number;
  /** b0 threshold of the gradient table. */
  b0Threshold: number;
  /** Where the gradient table came from. */
  gradients: string;
  /** Whether a mask restricted the fit. */
  masked: boolean;
  /** Condition number of the normalised design (see {@linkcode validateGradientTable}). */
  designConditionNumber: number;
}
