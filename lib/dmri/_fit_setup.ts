/**
 * Input checks, option resolution, output allocation and slab copies shared by the in-thread and the
 * worker-parallel tensor fit (private).
 *
 * @module
 */

import type { Volume } from "../nifti/volume.ts";
import { DmriError } from "./errors.ts";
import type { GradientTable } from "./gradients.ts";
import { type FitOutputs, type FitPlan, makePlan, type NumericArray } from "./_kernel.ts";
import type { FitTensorOptions, TensorMaps } from "./_types.ts";
import { validateGradientTable } from "./validate_gradient_table.ts";
import { blasFor } from "./_gemm_kernel.ts";

/** dipy 1.6's `MIN_POSITIVE_SIGNAL`, the default floor of the signal before the logarithm. */
export const DIPY_MIN_SIGNAL = 1e-4;

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
  /** The kernel resolved from the options ("auto" → "blas" where this thread loads a BLAS). */
  kernel: "blas" | "js";
}

/** Check the inputs (the gradient table with {@linkcode validateGradientTable}), resolve the options and allocate the output maps. */
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
  // A table that cannot support a tensor is refused here, before any voxel gets a plausible wrong value.
  const { conditionNumber } = validateGradientTable(gtab, options.gradientChecks);
  const nvox = nx * ny * nz;
  if (dwi.data.length !== nvox * n) {
    throw new DmriError("DWI", `data has ${dwi.data.length} values, shape says ${nvox * n}`);
  }
  let maskData: Uint8Array | null = null;
  if (mask !== null) {
    const m = mask instanceof Uint8Array ? mask : mask.data;
    if (m.length !== nvox) throw new DmriError("mask", `has ${m.length} voxels, the DWI has ${nvox}`);
    if (m instanceof Uint8Array) maskData = m;
    else {
      // A plain loop (Uint8Array.from with a map function is ~60 ns a voxel).
      const values = m as ArrayLike<number>;
      maskData = new Uint8Array(nvox);
      for (let i = 0; i < nvox; i++) if (values[i]) maskData[i] = 1;
    }
  }
  let minSignal: number;
  if (options.minSignal === undefined) minSignal = DIPY_MIN_SIGNAL;
  else if (options.minSignal === "smallest-positive") minSignal = smallestPositive(dwi.data);
  else minSignal = options.minSignal;
  if (!(minSignal > 0)) throw new DmriError("fitTensor", `minSignal must be > 0, got ${minSignal}`);
  const kernel = blasFor(options.kernel) === null ? "js" : "blas";

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
      designConditionNumber: conditionNumber,
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
  return {
    nx,
    ny,
    nz,
    nvox,
    n,
    wls: method === "wls",
    minSignal,
    mask: maskData,
    plan,
    maps,
    outputs,
    kernel,
  };
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
 * or float64 for 64-bit integers): sample t of voxel v at slab[v + t·count]. With `reuse`, the slab is a view
 * on that buffer when it is large enough.
 */
export function gatherSlab(
  data: Volume["data"],
  nvox: number,
  n: number,
  v0: number,
  count: number,
  reuse: ArrayBuffer | null = null,
): NumericArray {
  const big = data instanceof BigInt64Array || data instanceof BigUint64Array;
  type Ctor = {
    new (length: number): NumericArray;
    new (buffer: ArrayBuffer, byteOffset: number, length: number): NumericArray;
    BYTES_PER_ELEMENT: number;
  };
  const C = (big ? Float64Array : data.constructor) as Ctor;
  // Reusing a buffer that came back from a worker avoids fresh pages (and their faults) per job.
  const slab = reuse !== null && reuse.byteLength >= count * n * C.BYTES_PER_ELEMENT
    ? new C(reuse, 0, count * n)
    : new C(count * n);
  if (big) {
    for (let t = 0; t < n; t++) {
      for (let v = 0; v < count; v++) slab[t * count + v] = Number(data[t * nvox + v0 + v]);
    }
    return slab;
  }
  for (let t = 0; t < n; t++) {
    const from = t * nvox + v0;
    slab.set(data.subarray(from, from + count) as never, t * count);
  }
  return slab;
}

/**
 * Voxels per slab of the streamed fit: whole z-planes, about 64k voxels; 64k voxels when one plane is more
 * (e.g. a masked read's voxels, shape [k, 1, 1, N]: one "plane" of k voxels would be one job for one worker).
 */
export function slabVoxels(nx: number, ny: number): number {
  const plane = nx * ny;
  return plane > 65536 ? 65536 : plane * Math.floor(65536 / plane);
}
