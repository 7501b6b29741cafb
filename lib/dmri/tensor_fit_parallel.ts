/**
 * The tensor fit spread over Deno workers, one z-slab per job; a reusable pool for many subjects.
 *
 * @module
 */

import type { Volume } from "../nifti/volume.ts";
import { DmriError } from "./errors.ts";
import type { GradientTable } from "./gradients.ts";
import type { FitTensorOptions, TensorMaps } from "./_types.ts";
import { gatherSlab, setupFit, slabVoxels } from "./_fit_setup.ts";

/** Options of {@linkcode fitTensorParallel}. */
export interface FitTensorParallelOptions extends FitTensorOptions {
  /** Number of workers when no `pool` is given. @default navigator.hardwareConcurrency (at least 1) */
  workers?: number;
  /** Workers to reuse (see {@linkcode FitWorkerPool}); without it a pool is started and closed per call. @default none */
  pool?: FitWorkerPool;
  /** z-planes per job. @default enough planes for about 64k voxels */
  slabPlanes?: number;
}

/**
 * Deno workers that fit tensors, kept between calls (starting a worker costs ~0.1 s): create one, pass it
 * as `pool` to {@linkcode fitTensorParallel} for every subject, then `close()` it. One fit at a time.
 *
 * @example
 * const pool = new FitWorkerPool({ workers: 2 });
 * try { for (const s of subjects) maps.push(await fitTensorParallel(s.dwi, s.gtab, { pool })); }
 * finally { pool.close(); }
 */
export class FitWorkerPool {
  /** The workers (started in the constructor). */
  readonly workers: Worker[];
  #busy = false;
  #closed = false;

  /**
   * Start the workers.
   *
   * @param options.workers Number of workers. @default navigator.hardwareConcurrency (at least 1)
   */
  constructor(options: { workers?: number } = {}) {
    const n = Math.max(1, Math.floor(options.workers ?? navigator.hardwareConcurrency ?? 1));
    const url = new URL("./_fit_worker.ts", import.meta.url).href;
    this.workers = Array.from({ length: n }, () => new Worker(url, { type: "module" }));
  }

  /** Stop the workers. */
  close(): void {
    this.#closed = true;
    for (const w of this.workers) w.terminate();
  }

  /** @internal Run one fit on the pool (used by fitTensorParallel). */
  async run(dwi: Volume, gtab: GradientTable, options: FitTensorParallelOptions): Promise<TensorMaps> {
    if (this.#closed) throw new DmriError("FitWorkerPool", "the pool is closed");
    if (this.#busy) throw new DmriError("FitWorkerPool", "already fitting (one fit at a time per pool)");
    this.#busy = true;
    try {
      return await this.#fit(dwi, gtab, options);
    } finally {
      this.#busy = false;
    }
  }

  async #fit(dwi: Volume, gtab: GradientTable, options: FitTensorParallelOptions): Promise<TensorMaps> {
    const setup = setupFit(dwi, gtab, options);
    const { nvox, n, nx, ny, mask, outputs } = setup;
    const step = options.slabPlanes
      ? Math.max(1, Math.floor(options.slabPlanes)) * nx * ny
      : slabVoxels(nx, ny);
    const slabs: [number, number][] = [];
    for (let s0 = 0; s0 < nvox; s0 += step) slabs.push([s0, Math.min(step, nvox - s0)]);
    const init = { bvals: gtab.bvals, bvecs: gtab.bvecs, wls: setup.wls, minSignal: setup.minSignal };
    let next = 0, done = 0;
    const runWorker = (w: Worker): Promise<void> =>
      new Promise((resolve, reject) => {
        let pending = 0;
        // Buffers that came back from this worker, reused for its next jobs.
        const freeSlabs: ArrayBuffer[] = [], freeMaps: ArrayBuffer[] = [];
        const send = () => {
          if (next >= slabs.length) return false;
          const id = next++;
          const [s0, count] = slabs[id];
          const slab = gatherSlab(dwi.data, nvox, n, s0, count, freeSlabs.pop() ?? null);
          const m = mask ? mask.slice(s0, s0 + count) : null;
          const reuse = freeMaps.pop() ?? null;
          pending++;
          const transfer = [slab.buffer as ArrayBuffer, ...(reuse ? [reuse] : [])];
          w.postMessage({ id, slab, count, mask: m, reuse }, transfer);
          return true;
        };
        w.onmessage = (e: MessageEvent) => {
          const { id, maps, slab } = e.data as {
            id: number;
            maps: Float32Array;
            slab: { buffer: ArrayBuffer };
          };
          pending--;
          const [s0, count] = slabs[id];
          outputs.fa.set(maps.subarray(0, count), s0);
          outputs.md.set(maps.subarray(count, 2 * count), s0);
          outputs.ad.set(maps.subarray(2 * count, 3 * count), s0);
          outputs.rd.set(maps.subarray(3 * count, 4 * count), s0);
          for (let c = 0; c < 3; c++) {
            outputs.evals.set(maps.subarray((4 + c) * count, (5 + c) * count), s0 + c * nvox);
            outputs.v1.set(maps.subarray((7 + c) * count, (8 + c) * count), s0 + c * nvox);
          }
          freeSlabs.push(slab.buffer);
          freeMaps.push(maps.buffer as ArrayBuffer);
          done += count;
          options.onProgress?.(done, nvox);
          send();
          if (pending === 0) resolve();
        };
        w.onerror = (e: ErrorEvent) => {
          e.preventDefault();
          reject(new DmriError("fitTensorParallel", `a worker failed: ${e.message}`));
        };
        w.postMessage({ init });
        // Two jobs in flight per worker: one computing, one queued.
        if (!send()) resolve();
        else send();
      });
    await Promise.all(this.workers.map(runWorker));
    return setup.maps;
  }
}

/**
 * {@linkcode fitTensor} with the voxels split into z-slabs fitted by Deno workers; same results, the same
 * gradient-table check (a {@linkcode DmriError} before any worker starts a job) and NaN maps for voxels
 * with a non-finite sample.
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
  if (options.pool) return await options.pool.run(dwi, gtab, options);
  const pool = new FitWorkerPool({ workers: options.workers });
  try {
    return await pool.run(dwi, gtab, options);
  } finally {
    pool.close();
  }
}
