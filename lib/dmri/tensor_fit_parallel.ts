/**
 * The tensor fit spread over Deno workers, one z-slab per job; a reusable pool for many subjects.
 *
 * @module
 */

import { cpus } from "node:os";
import process from "node:process";
import type { Volume } from "../nifti/volume.ts";
import { DmriError } from "./errors.ts";
import type { GradientTable } from "./gradients.ts";
import type { FitTensorOptions, TensorMaps } from "./_types.ts";
import { gatherSlab, setupFit, slabVoxels } from "./_fit_setup.ts";
import { fitTensor } from "./tensor_fit.ts";

/** Options of {@linkcode fitTensorParallel}. */
export interface FitTensorParallelOptions extends FitTensorOptions {
  /**
   * Number of workers when no `pool` is given; "auto": {@linkcode autoFitWorkers} (the cores not busy, none
   * for a small fit), and with 1 the fit runs in the calling thread ({@linkcode fitTensor}: no worker to
   * start, no slab copies). With a `pool`, a number caps how many of its workers take jobs (e.g. a pool
   * started with one worker per core before the load was known). @default navigator.hardwareConcurrency
   * (at least 1); with a pool, all its workers
   */
  workers?: number | "auto";
  /** Workers to reuse (see {@linkcode FitWorkerPool}); without it a pool is started and closed per call. @default none */
  pool?: FitWorkerPool;
  /**
   * z-planes per job. @default enough planes for about 64k voxels, fewer (down to one plane, or 4096 voxels
   * of a masked read's [k, 1, 1, N] volume) so that each worker gets about 8 jobs: the last job's wait is short
   */
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
    const cap = typeof options.workers === "number" ? Math.max(1, Math.floor(options.workers)) : Infinity;
    const used = Math.min(cap, this.workers.length);
    const step = options.slabPlanes
      ? Math.max(1, Math.floor(options.slabPlanes)) * nx * ny
      : jobVoxels(nx, ny, Math.ceil(nvox / (8 * used)));
    const slabs: [number, number][] = [];
    for (let s0 = 0; s0 < nvox; s0 += step) slabs.push([s0, Math.min(step, nvox - s0)]);
    const init = {
      bvals: gtab.bvals,
      bvecs: gtab.bvecs,
      wls: setup.wls,
      minSignal: setup.minSignal,
      kernel: setup.kernel,
    };
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
    await Promise.all(this.workers.slice(0, used).map(runWorker));
    return setup.maps;
  }
}

/**
 * Voxels per job: {@linkcode slabVoxels}, or fewer when that is more than `want` — whole planes (at least
 * one), or for one plane larger than 64k voxels (a masked read's voxels) `want` itself, at least 4096.
 */
function jobVoxels(nx: number, ny: number, want: number): number {
  const step = slabVoxels(nx, ny), plane = nx * ny;
  if (step <= want) return step;
  return plane > 65536 ? Math.max(4096, want) : plane * Math.max(1, Math.floor(want / plane));
}

/** Below this many samples (voxels x volumes) a fit runs in one thread: workers cost more than they save. */
export const PARALLEL_FIT_MIN_SAMPLES = 2e7;

/**
 * How many workers pay for a fit of `samples` (voxels fitted x volumes): 1 below
 * {@linkcode PARALLEL_FIT_MIN_SAMPLES}, else the cores not busy with other work, round(cores − load), between
 * 1 and the cores. load: `options.load` if given; else, with `options.since` (a {@linkcode cpuSnapshot}
 * taken earlier, e.g. before reading the DWI), the cores other processes kept busy since then (no waiting);
 * else the cores busy over the next 100 ms (this thread sleeps meanwhile, so its own work is not counted);
 * both from the CPUs' times (`node:os` `cpus()`, needs --allow-sys), else the 1-minute load average
 * (`Deno.loadavg()`, which also counts this process's and just-finished processes' recent work), else 0.
 * Measured on 2 cores (W8, one HCP subject, idle, the JavaScript kernel): 2 workers 2.6 s, the calling thread
 * 3.6 s; on a loaded machine the two are alike.
 *
 * @example
 * autoFitWorkers(1e6 * 96); // 2 on an idle 2-core machine, 1 on a loaded one
 * const since = cpuSnapshot();
 * const dwi = await readNifti("dwi.nii.gz");
 * autoFitWorkers(dwi.data.length, { since }); // the load measured over the read
 */
export function autoFitWorkers(
  samples: number,
  options: { cores?: number; load?: number; since?: CpuSnapshot | null } = {},
): number {
  const cores = Math.max(1, Math.floor(options.cores ?? navigator.hardwareConcurrency ?? 1));
  if (samples < PARALLEL_FIT_MIN_SAMPLES || cores === 1) return 1;
  const load = options.load ??
    (options.since ? busyCoresSince(options.since) : null) ??
    busyCores(100) ??
    loadAverage();
  return Math.min(cores, Math.max(1, Math.round(cores - (Number.isFinite(load) ? load : 0))));
}

/** The machine's CPU times and this process's CPU time at one moment (see {@linkcode busyCoresSince}). */
export interface CpuSnapshot {
  /** Idle and total CPU time of all cores (ms, `cpus()`). */
  idle: number;
  total: number;
  /** This process's CPU time, all its threads (ms, `process.cpuUsage()`). */
  own: number;
}

/** A {@linkcode CpuSnapshot} now, or null where the CPUs' times cannot be read (no --allow-sys). */
export function cpuSnapshot(): CpuSnapshot | null {
  try {
    let idle = 0, total = 0;
    for (const { times: t } of cpus()) {
      idle += t.idle;
      total += t.idle + t.user + t.sys + t.nice + t.irq;
    }
    const u = process.cpuUsage();
    return { idle, total, own: (u.user + u.system) / 1000 };
  } catch {
    return null;
  }
}

/**
 * Cores kept busy by other processes since `since`: (busy time of all cores − this process's CPU time) /
 * elapsed time, at least 0; null where it cannot be measured (no --allow-sys, or under 20 ms elapsed: the
 * CPUs' times count in 10 ms ticks).
 */
export function busyCoresSince(since: CpuSnapshot): number | null {
  const now = cpuSnapshot();
  if (now === null) return null;
  const cores = Math.max(1, cpus().length);
  const elapsed = (now.total - since.total) / cores;
  if (!(elapsed >= 20)) return null;
  const busy = (now.total - since.total) - (now.idle - since.idle);
  return Math.max(0, (busy - (now.own - since.own)) / elapsed);
}

/** Cores busy with other processes' work over the next `ms` milliseconds (this thread asleep); null if not permitted. */
function busyCores(ms: number): number | null {
  const since = cpuSnapshot();
  if (since === null) return null;
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  return busyCoresSince(since);
}

/** The 1-minute load average, or 0 where it cannot be read. */
function loadAverage(): number {
  try {
    return Deno.loadavg()[0];
  } catch {
    return 0;
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
  let workers = options.workers;
  if (workers === "auto") {
    const fitted = options.mask
      ? (options.mask instanceof Uint8Array ? options.mask : options.mask.data as ArrayLike<number>)
      : null;
    let voxels = dwi.shape.slice(0, 3).reduce((a, b) => a * b, 1);
    if (fitted) {
      voxels = 0;
      for (let i = 0; i < fitted.length; i++) if (fitted[i]) voxels++;
    }
    workers = autoFitWorkers(voxels * (dwi.shape[3] ?? 1));
    if (workers === 1) return fitTensor(dwi, gtab, options);
  }
  const pool = new FitWorkerPool({ workers });
  try {
    return await pool.run(dwi, gtab, options);
  } finally {
    pool.close();
  }
}
