/**
 * Worker of {@linkcode fitTensorParallel} (private): fits the slabs it is sent with the shared kernel.
 *
 * Messages in: `{ init: { bvals, bvecs, wls, minSignal, kernel } }`, then `{ id, slab, count, mask, reuse }`
 * where slab is volume-major (sample t of voxel v at slab[v + t·count]) and reuse an optional buffer for the
 * maps. kernel "blas": the DGEMM kernel (_gemm_kernel.ts), "js": the per-voxel one (_kernel.ts).
 * Out: `{ id, maps, slab }`, maps = Float32Array(10·count) holding fa, md, ad, rd, then λ₁..₃ and v₁ by
 * component, each `count` long; the slab's buffer comes back for reuse.
 *
 * @module
 */

import {
  BLOCK,
  fitBlock,
  type FitPlan,
  makePlan,
  makeScratch,
  type NumericArray,
  type Scratch,
} from "./_kernel.ts";
import { fitBlas, fitVoxelsGemm, type GemmKernel, makeGemmKernel } from "./_gemm_kernel.ts";

interface Init {
  bvals: Float64Array;
  bvecs: Float64Array;
  wls: boolean;
  minSignal: number;
  /** Resolved by the caller's thread: "blas" when it loaded a BLAS (this worker then loads the same). */
  kernel: "blas" | "js";
}

let plan: FitPlan | null = null;
let init: Init | null = null;
let scratch: Scratch | null = null;
let scratchType: unknown = null;
let gemm: GemmKernel | null = null;

// deno-lint-ignore no-explicit-any
const self_ = self as any;
self_.onmessage = (e: MessageEvent) => {
  const msg = e.data;
  if (msg.init) {
    init = msg.init as Init;
    plan = makePlan(init);
    scratch = null;
    gemm = null;
    return;
  }
  const { id, slab, count, mask, reuse } = msg as {
    id: number;
    slab: NumericArray;
    count: number;
    mask: Uint8Array | null;
    reuse: ArrayBuffer | null;
  };
  if (!plan || !init) throw new Error("dmri worker: job before init");
  const blas = init.kernel === "blas" ? fitBlas() : null;
  if (init.kernel === "blas" && blas === null) {
    throw new Error("dmri worker: no native BLAS loads in this worker");
  }
  if (scratchType !== slab.constructor) {
    scratch = gemm = null;
    scratchType = slab.constructor;
  }
  if (blas === null) scratch ??= makeScratch(plan, slab, init.minSignal);
  else gemm ??= makeGemmKernel(plan, blas, slab, init.wls, init.minSignal);
  const maps = reuse && reuse.byteLength >= 40 * count
    ? new Float32Array(reuse, 0, 10 * count)
    : new Float32Array(10 * count);
  const out = {
    fa: maps.subarray(0, count),
    md: maps.subarray(count, 2 * count),
    ad: maps.subarray(2 * count, 3 * count),
    rd: maps.subarray(3 * count, 4 * count),
    evals: maps.subarray(4 * count, 7 * count),
    v1: maps.subarray(7 * count, 10 * count),
    at: 0,
    componentStride: count,
  };
  const layout = { offset: 0, voxelStride: 1, volumeStride: count };
  if (gemm !== null) fitVoxelsGemm(gemm, slab, layout, 0, count, out, mask, 0);
  else {
    for (let v0 = 0; v0 < count; v0 += BLOCK) {
      const n = Math.min(BLOCK, count - v0);
      fitBlock(plan, init.wls, slab, layout, v0, n, init.minSignal, out, scratch!, mask, 0);
    }
  }
  // Both buffers go back to the main thread, which reuses them for the next job.
  self_.postMessage({ id, maps, slab }, [maps.buffer, slab.buffer]);
};
