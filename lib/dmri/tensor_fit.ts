/**
 * Diffusion tensor fit (OLS and dipy's WLS) over a 4-D DWI volume, streamed in blocks of voxels.
 *
 * @module
 */

import type { Volume } from "../nifti/volume.ts";
import { DmriError } from "./errors.ts";
import type { GradientTable } from "./gradients.ts";
import {
  BLOCK,
  fitBlock,
  type FitOutputs,
  type FitPlan,
  makePlan,
  makeScratch,
  type NumericArray,
} from "./_kernel.ts";

/** dipy 1.6's `MIN_POSITIVE_SIGNAL`, the default floor of the signal before the logarithm. */
export const DIPY_MIN_SIGNAL = 1e-4;

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
  /** Principal eigenvector (unit, sign arbitrary), shape (nx, ny, nz, 3). */
  v1: Volume;
  /** How the maps were made. */
  provenance: TensorProvenance;
}

/** The record that travels with {@linkcode TensorMaps}. */
export interface TensorProvenance {
  tool: "cam-dmri fitTensor";
  method: "ols" | "wls";
  minSignal: number;
  minDiffusivity: number;
  b0Threshold: number;
  gradients: string;
  masked: boolean;
}

/** Resolved inputs shared by {@linkcode fitTensor} and the worker-parallel fit. */
export interface FitSetup {
  nx: number;
  ny: number;
  nz: number;
  nvox: number;
  n: number;
  wls: boolean;
  minSignal: number;
  mask: Uint8Array | null;
  plan: FitPlan;
  maps: TensorMaps;
  /** One view per output, in the kernel's shape. */
  outputs: FitOutputs;
}

/** Check the inputs, resolve the options and allocate the output maps. */
export function setupFit(dwi: Volume, gtab: GradientTable, options: FitTensorOptions): FitSetup {
  const { method = "ols", mask = null } = options;
  if (method !== "ols" && method !== "wls") {
    throw new DmriError("fitTensor", `unknown method '${method}' (use "ols" or "wls")`);
  }
  const shape = dwi.shape;
  if (shape.length < 4 || shape.slice(4).some((d) => d !== 1)) {
    throw new DmriError("DWI", `expected a 4-D volume, got shape (${shape.join(", ")})`);
  }
  const [nx, ny, nz, n] = shape;
  if (n !== gtab.count) {
    throw new DmriError(gtab.source, `has ${gtab.count} entries but the DWI has ${n} volumes`);
  }
  if (n < 7) throw new DmriError(gtab.source, `a tensor fit needs at least 7 volumes, got ${n}`);
  const nvox = nx * ny * nz;
  if (dwi.data.length !== nvox * n) {
    throw new DmriError("DWI", `data has ${dwi.data.length} values, shape says ${nvox * n}`);
  }
  let maskData: Uint8Array | null = null;
  if (mask !== null) {
    const m = mask instanceof Uint8Array ? mask : mask.data;
    if (m.length !== nvox) throw new DmriError("mask", `has ${m.length} voxels, the DWI has ${nvox}`);
    maskData = m instanceof Uint8Array ? m : Uint8Array.from(m as ArrayLike<number>, (x) => (x ? 1 : 0));
  }
  let minSignal: number;
  if (options.minSignal === undefined) minSignal = DIPY_MIN_SIGNAL;
  else if (options.minSignal === "smallest-positive") minSignal = smallestPositive(dwi.data);
  else minSignal = options.minSignal;
  if (!(minSignal > 0)) throw new DmriError("fitTensor", `minSignal must be > 0, got ${minSignal}`);

  const plan = makePlan(gtab);
  const space3 = { affine: dwi.affine.map((r) => [...r]), pixdim: dwi.pixdim.slice(0, 3) };
  const scalar = (): Volume => ({
    shape: [nx, ny, nz],
    datatype: "float32",
    data: new Float32Array(nvox),
    ...space3,
    pixdim: space3.pixdim.slice(),
  });
  const vector = (): Volume => ({
    shape: [nx, ny, nz, 3],
    datatype: "float32",
    data: new Float32Array(nvox * 3),
    affine: space3.affine.map((r) => [...r]),
    pixdim: [...space3.pixdim, 1],
  });
  const maps: TensorMaps = {
    fa: scalar(),
    md: scalar(),
    ad: scalar(),
    rd: scalar(),
    evals: vector(),
    v1: vector(),
    provenance: {
      tool: "cam-dmri fitTensor",
      method,
      minSignal,
      minDiffusivity: plan.minDiffusivity,
      b0Threshold: gtab.b0Threshold,
      gradients: gtab.source,
      masked: maskData !== null,
    },
  };
  const outputs: FitOutputs = {
    fa: maps.fa.data as Float32Array,
    md: maps.md.data as Float32Array,
    ad: maps.ad.data as Float32Array,
    rd: maps.rd.data as Float32Array,
    evals: maps.evals.data as Float32Array,
    v1: maps.v1.data as Float32Array,
    at: 0,
    componentStride: nvox,
  };
  return { nx, ny, nz, nvox, n, wls: method === "wls", minSignal, mask: maskData, plan, maps, outputs };
}

/** The smallest sample > 0 in the data (1 when there is none). */
function smallestPositive(data: Volume["data"]): number {
  let min = Infinity;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < data.length; i++) if (data[i] > 0n && Number(data[i]) < min) min = Number(data[i]);
  } else {
    for (let i = 0; i < data.length; i++) {
      const x = data[i];
      if (x > 0 && x < min) min = x;
    }
  }
  return Number.isFinite(min) ? min : 1;
}

/**
 * Copy the samples of voxels [v0, v0 + count) into a volume-major slab (count x N, same type as the input,
 * or float64 for 64-bit integers): sample t of voxel v at slab[v + t·count].
 */
export function gatherSlab(
  data: Volume["data"],
  nvox: number,
  n: number,
  v0: number,
  count: number,
): NumericArray {
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    const slab = new Float64Array(count * n);
    for (let t = 0; t < n; t++) {
      for (let v = 0; v < count; v++) slab[t * count + v] = Number(data[t * nvox + v0 + v]);
    }
    return slab;
  }
  const Ctor = data.constructor as new (length: number) => NumericArray;
  const slab = new Ctor(count * n);
  for (let t = 0; t < n; t++) {
    const from = t * nvox + v0;
    slab.set(data.subarray(from, from + count) as never, t * count);
  }
  return slab;
}

/** Voxels per slab of the streamed fit: whole z-planes, about 64k voxels. */
export function slabVoxels(nx: number, ny: number): number {
  const plane = nx * ny;
  return plane * Math.max(1, Math.floor(65536 / plane));
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
