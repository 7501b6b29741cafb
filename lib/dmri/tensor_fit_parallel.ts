/**
 * The tensor fit spread over Deno workers, one z-slab per job.
 *
 * @module
 */

import type { Volume } from "../nifti/volume.ts";
import type { GradientTable } from "./gradients.ts";
import { type FitTensorOptions, gatherSlab, setupFit, slabVoxels, type TensorMaps } from "./tensor_fit.ts";

/** Options of {@linkcode fitTensorParallel}. */
export interface FitTensorParallelOptions extends FitTensorOptions {
  /** Number of workers. @default navigator.hardwareConcurrency (at least 1) */
  workers?: number;
  /** z-planes per job. @default enough planes for about 64k voxels */
  slabPlanes?: number;
}

/**
 * {@linkcode fitTensor} with the voxels split into z-slabs fitted by Deno workers; same results.
 *
 * Memory: the input stays where it is; each job copies one slab of samples (about 64k voxels x N, in the
 * input's type) to a worker, and at most two jobs per worker are in flight.
 *
 * @example
 * const maps = await fitTensorParallel(dwi, gtab, { method: "wls", workers: 2 });
 */
export async function fitTensorParallel(
  dwi: Volume,
  gtab: GradientTable,
  options: FitTensorParallelOptions = {},
): Promise<TensorMaps> {
  const setup = setupFit(dwi, gtab, options);
  const { nvox, n, nx, ny, mask, outputs } = setup;
  const nWorkers = Math.max(1, Math.floor(options.workers ?? navigator.hardwareConcurrency ?? 1));
  const step = options.slabPlanes
    ? Math.max(1, Math.floor(options.slabPlanes)) * nx * ny
    : slabVoxels(nx, ny);
  const slabs: [number, number][] = [];
  for (let s0 = 0; s0 < nvox; s0 += step) slabs.push([s0, Math.min(step, nvox - s0)]);

  const url = new URL("./_fit_worker.ts", import.meta.url).href;
  const workers = Array.from(
    { length: Math.min(nWorkers, slabs.length) },
    () => new Worker(url, { type: "module" }),
  );
  try {
    for (const w of workers) {
      w.postMessage({
        init: { bvals: gtab.bvals, bvecs: gtab.bvecs, wls: setup.wls, minSignal: setup.minSignal },
      });
    }
    let next = 0, done = 0;
    const runWorker = (w: Worker): Promise<void> =>
      new Promise((resolve, reject) => {
        const pending = new Map<number, number>(); // job id → first voxel
        const send = () => {
          if (next >= slabs.length) return false;
          const id = next++;
          const [s0, count] = slabs[id];
          const slab = gatherSlab(dwi.data, nvox, n, s0, count);
          const m = mask ? mask.slice(s0, s0 + count) : null;
          pending.set(id, s0);
          w.postMessage({ id, slab, count, mask: m }, [slab.buffer as ArrayBuffer]);
          return true;
        };
        w.onmessage = (e: MessageEvent) => {
          const { id, maps } = e.data as { id: number; maps: Float32Array };
          const s0 = pending.get(id)!;
          pending.delete(id);
          const count = slabs[id][1];
          outputs.fa.set(maps.subarray(0, count), s0);
          outputs.md.set(maps.subarray(count, 2 * count), s0);
          outputs.ad.set(maps.subarray(2 * count, 3 * count), s0);
          outputs.rd.set(maps.subarray(3 * count, 4 * count), s0);
          for (let c = 0; c < 3; c++) {
            outputs.evals.set(maps.subarray((4 + c) * count, (5 + c) * count), s0 + c * nvox);
            outputs.v1.set(maps.subarray((7 + c) * count, (8 + c) * count), s0 + c * nvox);
          }
          done += count;
          options.onProgress?.(done, nvox);
          send();
          if (pending.size === 0) resolve();
        };
        w.onerror = (e: ErrorEvent) => {
          e.preventDefault();
          reject(new Error(`dmri worker failed: ${e.message}`));
        };
        // Two jobs in flight per worker: one computing, one queued.
        if (!send()) resolve();
        else send();
      });
    await Promise.all(workers.map(runWorker));
  } finally {
    for (const w of workers) w.terminate();
  }
  return setup.maps;
}
