/**
 * W8's own process (run by subject_bench.ts, fresh each time): `<dir>/dwi.nii.gz` + `dwi.bval`/`dwi.bvec` +
 * `mask.nii.gz` → WLS tensor fit in the mask → `<dir>/fa_ours.nii.gz`; prints one JSON line with the phases.
 *
 * `deno run -A bench/_subject_run.ts DIR [--workers N|auto] [--whole] [--kernel blas|js]`: N fit workers (0 or
 * 1: the calling thread; default "auto": lib/dmri's autoFitWorkers, with the other processes' load measured
 * over the read), started before the DWI is read (with "auto", one per core, closed unused when the load
 * says one thread); `--whole` reads the whole DWI grid (the way before `readNifti`'s `voxels`) and fits it
 * with the mask, for comparison; `--kernel` the fit's kernel (default "auto": the DGEMM one where a BLAS
 * loads).
 *
 * @module
 */
import {
  autoFitWorkers,
  cpuSnapshot,
  fitTensor,
  fitTensorParallel,
  FitWorkerPool,
  loadGradients,
} from "../lib/dmri/mod.ts";
import { readNifti, writeNifti } from "../lib/nifti/mod.ts";

const dir = Deno.args[0];
const at = Deno.args.indexOf("--workers");
const workers: number | "auto" = at >= 0 && Deno.args[at + 1] !== "auto" ? Number(Deno.args[at + 1]) : "auto";
const whole = Deno.args.includes("--whole");
const kat = Deno.args.indexOf("--kernel");
const kernel = (kat >= 0 ? Deno.args[kat + 1] : "auto") as "auto" | "blas" | "js";

const t0 = performance.now();
const maskVolume = await readNifti(`${dir}/mask.nii.gz`);
// A plain loop: Uint8Array.from with a map function took 0.24 s on the 3.7 M voxels.
const maskData = maskVolume.data as ArrayLike<number>;
const mask = new Uint8Array(maskData.length);
let kept = 0;
for (let i = 0; i < mask.length; i++) {
  if (maskData[i]) {
    mask[i] = 1;
    kept++;
  }
}
const gtab = await loadGradients(`${dir}/dwi.bval`, `${dir}/dwi.bvec`);
// The workers start now, loading their code while the DWI is read (reading and starting overlap); with
// "auto", the other processes' load is measured over the read and decides whether they fit.
const since = cpuSnapshot();
const cores = navigator.hardwareConcurrency ?? 1;
const started = workers === "auto"
  ? (autoFitWorkers(kept * gtab.count, { load: 0 }) >= 2 ? cores : 0)
  : workers;
let pool: FitWorkerPool | null = started >= 2 ? new FitWorkerPool({ workers: started }) : null;
const dwi = await readNifti(`${dir}/dwi.nii.gz`, whole ? {} : { voxels: mask });
const t1 = performance.now();
const count = workers === "auto" ? autoFitWorkers(kept * gtab.count, { since }) : workers;
if (pool && count < 2) {
  pool.close();
  pool = null;
}
const rssRead = Math.round(Deno.memoryUsage().rss / 2 ** 20);
const options = { method: "wls" as const, mask: whole ? mask : null, kernel };
let maps;
try {
  maps = pool
    ? await fitTensorParallel(dwi, gtab, { ...options, pool, workers: count }) // count ≤ the pool's workers
    : fitTensor(dwi, gtab, options);
} finally {
  pool?.close();
}
const t2 = performance.now();
let fa = maps.fa;
if (!whole) {
  // The kept voxels' FA back into the grid (0 outside the mask).
  const full = new Float32Array(mask.length);
  const compact = maps.fa.data as Float32Array;
  for (let i = 0, j = 0; i < mask.length; i++) if (mask[i]) full[i] = compact[j++];
  fa = { ...maskVolume, shape: maskVolume.shape.slice(0, 3), datatype: "float32", data: full };
}
await writeNifti(fa, `${dir}/fa_ours.nii.gz`);
const t3 = performance.now();
const s = (a: number, b: number) => Math.round((b - a) / 10) / 100;
console.log(JSON.stringify({
  workload: "W8",
  tool: `cam-dmri ${workers === "auto" ? "auto workers" : count >= 2 ? `${count} workers` : "1 thread"}${
    whole ? ", whole grid" : ""
  }${kernel === "auto" ? "" : `, ${kernel} kernel`}`,
  value: s(t0, t3),
  unit: "s per subject (in process)",
  read: s(t0, t1),
  fit: s(t1, t2),
  write: s(t2, t3),
  voxels: kept,
  workers: count >= 2 ? count : 0,
  rssAfterReadMB: rssRead,
}));
