/**
 * Diffusion tensor fit (OLS and dipy's WLS) over a 4-D DWI volume, streamed in blocks of voxels.
 *
 * @module
 */

import type { Volume } from "../nifti/volume.ts";
import type { GradientTable } from "./gradients.ts";
import { gatherSlab, setupFit, slabVoxels } from "./_fit_setup.ts";
import { BLOCK, fitBlock, makeScratch, type NumericArray } from "./_kernel.ts";

export { DIPY_MIN_SIGNAL } from "./_fit_setup.ts";

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
  /** Called after each slab of voxels with (voxels done, total voxels), e.g. for progress or memory probes. @default none */
  onProgress?: (done: number, total: number) => void;
}

/**
 * The maps of a tensor fit, all float32 Volumes with the input's affine. Eigenvalues are sorted
 * λ₁ ≥ λ₂ ≥ λ₃ and floored at dipy's minimum diffusivity 1e-6 / max|X| (X the design matrix).
 */
export interface TensorMaps {
  /** Fractional anisotropy √(½ Σ(λi − λj)² / Σλi²), clipped to [0, 1], NaN → 0. Shape (nx, ny, nz). */
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
}

/**
 * Fit the diffusion tensor in every voxel of a 4-D DWI volume (in the calling thread).
 *
 * ln S_n = −b_n g_nᵀ D g_n + ln S0, solved per voxel by OLS (β = X⁺ ln S, X⁺ precomputed once) or by
 * dipy's WLS (weights from the OLS-predicted signal). Conventions follow dipy 1.6's `TensorModel`: the
 * signal is floored at `minSignal` before the logarithm, eigenvalues are floored at 1e-6 / max|X|, and
 * FA = clip(nan_to_num(FA), 0, 1).
 *
 * Memory: the input is read in place, whatever its type (int16 samples become logarithms through a lookup
 * table); besides the float32 outputs (10 values per voxel) only blocks of 256 voxels are held.
 *
 * @param dwi 4-D volume (nx, ny, nz, N), any numeric type, NIfTI order.
 * @param gtab One entry per volume; a different count is a {@linkcode DmriError} naming the gradient files.
 * @example
 * const gtab = await loadGradients("dwi.bval", "dwi.bvec");
 * const { fa, md, v1 } = fitTensor(await readNifti("dwi.nii.gz"), gtab, { method: "wls" });
 */
export function fitTensor(dwi: Volume, gtab: GradientTable, options: FitTensorOptions = {}): TensorMaps {
  const setup = setupFit(dwi, gtab, options);
  const { nvox, n, wls, minSignal, mask, outputs, nx, ny, plan } = setup;
  const big = dwi.data instanceof BigInt64Array || dwi.data instanceof BigUint64Array;
  if (!big) {
    const data = dwi.data as NumericArray;
    const scratch = makeScratch(plan, data, minSignal);
    const layout = { offset: 0, voxelStride: 1, volumeStride: nvox };
    const step = slabVoxels(nx, ny);
    for (let s0 = 0; s0 < nvox; s0 += step) {
      const end = Math.min(nvox, s0 + step);
      for (let v0 = s0; v0 < end; v0 += BLOCK) {
        fitBlock(
          plan,
          wls,
          data,
          layout,
          v0,
          Math.min(BLOCK, end - v0),
          minSignal,
          outputs,
          scratch,
          mask,
          0,
        );
      }
      options.onProgress?.(end, nvox);
    }
  } else {
    // 64-bit integers: convert one slab at a time to float64.
    const step = slabVoxels(nx, ny);
    let scratch = null;
    for (let s0 = 0; s0 < nvox; s0 += step) {
      const count = Math.min(step, nvox - s0);
      const slab = gatherSlab(dwi.data, nvox, n, s0, count);
      scratch ??= makeScratch(plan, slab, minSignal);
      const layout = { offset: 0, voxelStride: 1, volumeStride: count };
      const out = { ...outputs, at: s0 };
      for (let v0 = 0; v0 < count; v0 += BLOCK) {
        fitBlock(plan, wls, slab, layout, v0, Math.min(BLOCK, count - v0), minSignal, out, scratch, mask, s0);
      }
      options.onProgress?.(s0 + count, nvox);
    }
  }
  return setup.maps;
}
