/**
 * Diffusion tensor fit (OLS and dipy's WLS) over a 4-D DWI volume, streamed in blocks of voxels.
 *
 * @module
 */

import type { Volume } from "../nifti/volume.ts";
import type { GradientTable } from "./gradients.ts";
import { gatherSlab, setupFit, slabVoxels } from "./_fit_setup.ts";
import { BLOCK, fitBlock, makeScratch, type NumericArray } from "./_kernel.ts";
import { fitBlas, fitVoxelsGemm, makeGemmKernel } from "./_gemm_kernel.ts";
import type { FitTensorOptions, TensorMaps } from "./_types.ts";

export { DIPY_MIN_SIGNAL } from "./_fit_setup.ts";
export type { FitTensorOptions, TensorMaps, TensorProvenance } from "./_types.ts";

/**
 * Fit the diffusion tensor in every voxel of a 4-D DWI volume (in the calling thread).
 *
 * ln S_n = −b_n g_nᵀ D g_n + ln S0, solved per voxel by OLS (β = X⁺ ln S, X⁺ precomputed once) or by
 * dipy's WLS (weights from the OLS-predicted signal). Conventions follow dipy 1.6's `TensorModel`: the
 * signal is floored at `minSignal` before the logarithm, eigenvalues are floored at 1e-6 / max|X|, and
 * FA = clip(nan_to_num(FA), 0, 1).
 *
 * Stricter than dipy: the gradient table must pass {@linkcode validateGradientTable} (finite b-values up to
 * 1e5 s/mm², unit b-vectors, ≥ 6 distinct directions, a full-rank design), else a {@linkcode DmriError}
 * naming the table's source is thrown before any voxel is fitted; and a voxel with a NaN or ±∞ sample is
 * NaN in every map instead of a finite wrong value (see {@linkcode TensorMaps}).
 *
 * Memory: the input is read in place, whatever its type (int16 samples become logarithms through a lookup
 * table); besides the float32 outputs (10 values per voxel) only blocks of a few hundred voxels are held.
 *
 * Speed: with a native BLAS (option `kernel`, default "auto") the sums over the volumes are DGEMMs over
 * blocks of voxels; only the logarithm, exp, 7 x 7 solve and 3 x 3 eigenproblem stay per voxel.
 *
 * @param dwi 4-D volume (nx, ny, nz, N), any numeric type, NIfTI order.
 * @param gtab One entry per volume; a different count, or a table that cannot support a tensor, is a
 *   {@linkcode DmriError} naming the gradient files.
 * @param options Method, mask, signal floor, progress callback and gradient-check limits.
 * @example
 * const gtab = await loadGradients("dwi.bval", "dwi.bvec");
 * const { fa, md, v1 } = fitTensor(await readNifti("dwi.nii.gz"), gtab, { method: "wls" });
 */
export function fitTensor(dwi: Volume, gtab: GradientTable, options: FitTensorOptions = {}): TensorMaps {
  const setup = setupFit(dwi, gtab, options);
  const { nvox, n, wls, minSignal, mask, outputs, nx, ny, plan } = setup;
  const big = dwi.data instanceof BigInt64Array || dwi.data instanceof BigUint64Array;
  const blas = setup.kernel === "blas" ? fitBlas()! : null;
  if (blas !== null) {
    // The DGEMM kernel; 64-bit integers one slab at a time as float64.
    const step = slabVoxels(nx, ny);
    let kernel = big ? null : makeGemmKernel(plan, blas, dwi.data as NumericArray, wls, minSignal);
    for (let s0 = 0; s0 < nvox; s0 += step) {
      const count = Math.min(step, nvox - s0);
      const slab = big ? gatherSlab(dwi.data, nvox, n, s0, count) : dwi.data as NumericArray;
      kernel ??= makeGemmKernel(plan, blas, slab, wls, minSignal);
      const layout = big
        ? { offset: -s0, voxelStride: 1, volumeStride: count }
        : { offset: 0, voxelStride: 1, volumeStride: nvox };
      fitVoxelsGemm(kernel, slab, layout, s0, count, outputs, mask, 0);
      options.onProgress?.(s0 + count, nvox);
    }
  } else if (!big) {
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
