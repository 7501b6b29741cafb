/**
 * W2 of ../shared/bench/WORKLOADS.md: tensor fit → FA on small_64D tiled 10 x 10 x 5 along x, y, z
 * → (100, 100, 50, 65) int16, every voxel, OLS and WLS; in the calling thread and with 2 workers (a warm
 * FitWorkerPool, as when fitting many subjects).
 * Prints one JSON line per measurement, the format of ../shared/bench/ref_dti.py (dipy's figures).
 *
 * First a memory check on an HCP-size synthetic DWI (145 x 174 x 145 x 100 int16; `--quick` uses 40 z-planes):
 * the peak resident memory while fitting (sampled after every slab through `onProgress`), relative to the
 * input's size as float32. The whole process is counted: runtime, the int16 input itself, outputs.
 *
 * Usage: deno run --allow-read --allow-env --allow-sys bench/dmri_bench.ts [--quick] [--no-memory]
 *
 * @module
 */

import {
  fitTensor,
  fitTensorParallel,
  FitWorkerPool,
  gradientTable,
  loadGradients,
  tensorFromEigen,
  tensorSignal,
} from "../lib/dmri/mod.ts";
import type { TensorMaps } from "../lib/dmri/mod.ts";
import { readNifti } from "../lib/nifti/mod.ts";
import type { Volume } from "../lib/nifti/volume.ts";

const DWI = new URL("../../shared/data/dwi/", import.meta.url).pathname;

function tile(src: Volume, reps: [number, number, number]): Volume {
  const [sx, sy, sz, n] = src.shape;
  const [nx, ny, nz] = [sx * reps[0], sy * reps[1], sz * reps[2]];
  const s = src.data as Int16Array;
  const data = new Int16Array(nx * ny * nz * n);
  let o = 0;
  for (let t = 0; t < n; t++) {
    for (let k = 0; k < nz; k++) {
      for (let j = 0; j < ny; j++) {
        const row = sx * ((j % sy) + sy * ((k % sz) + sz * t));
        for (let i = 0; i < nx; i++) data[o++] = s[row + (i % sx)];
      }
    }
  }
  return { ...src, shape: [nx, ny, nz, n], data };
}

function faMean(maps: TensorMaps): number {
  const fa = maps.fa.data as Float32Array;
  let s = 0;
  for (let i = 0; i < fa.length; i++) s += fa[i];
  return Math.round((s / fa.length) * 1e6) / 1e6;
}

async function w2() {
  const src = await readNifti(`${DWI}small_64D.nii`);
  const gtab = await loadGradients(`${DWI}small_64D.bval`, `${DWI}small_64D.bvec`, { volumes: src.shape[3] });
  const big = tile(src, [10, 10, 5]);
  const nvox = big.shape[0] * big.shape[1] * big.shape[2];
  const warm = tile(src, [2, 2, 1]);
  for (const method of ["ols", "wls"] as const) {
    fitTensor(warm, gtab, { method });
    let t0 = performance.now();
    const maps = fitTensor(big, gtab, { method });
    let dt = (performance.now() - t0) / 1000;
    const line = {
      workload: "W2",
      tool: "cam-dmri",
      method: method.toUpperCase(),
      shape: big.shape,
      value: Math.round(nvox / dt),
      unit: "voxels/s",
      fa_mean: faMean(maps),
      threads: 1,
    };
    console.log(JSON.stringify(line));
    // Warm pool: workers started and the fit compiled once, as when fitting many subjects.
    const pool = new FitWorkerPool({ workers: 2 });
    try {
      await fitTensorParallel(warm, gtab, { method, pool, slabPlanes: 1 });
      t0 = performance.now();
      const par = await fitTensorParallel(big, gtab, { method, pool });
      dt = (performance.now() - t0) / 1000;
      console.log(JSON.stringify({
        ...line,
        tool: "cam-dmri 2 workers",
        value: Math.round(nvox / dt),
        fa_mean: faMean(par),
        threads: 2,
      }));
    } finally {
      pool.close();
    }
  }
}

async function memory(quick: boolean) {
  const rssStart = Deno.memoryUsage().rss;
  const gtab64 = await loadGradients(`${DWI}small_64D.bval`, `${DWI}small_64D.bvec`);
  // 100 volumes: the 65 of small_64D and 35 of them again (the fit does not care).
  const idx = Array.from({ length: 100 }, (_, i) => i % 65);
  const bvals = idx.map((i) => gtab64.bvals[i]);
  const bvecs = idx.flatMap((i) => Array.from(gtab64.bvecs.slice(3 * i, 3 * i + 3)));
  const gtab = gradientTable(bvals, bvecs);
  const [nx, ny, nz, n] = [145, 174, quick ? 40 : 145, 100];
  const nvox = nx * ny * nz;
  // A few hundred distinct voxels repeated: realistic values without a slow per-voxel simulation.
  const kinds = 509, table = new Int16Array(kinds * n);
  for (let k = 0; k < kinds; k++) {
    const s = tensorSignal(
      tensorFromEigen([1.2e-3 + (k % 7) * 1e-4, 0.4e-3, 0.3e-3], [1, k % 5, 2]),
      gtab,
      {
        s0: 800,
      },
    );
    for (let t = 0; t < n; t++) table[k * n + t] = Math.round(s[t]);
  }
  const data = new Int16Array(nvox * n);
  for (let t = 0; t < n; t++) {
    for (let v = 0; v < nvox; v++) data[t * nvox + v] = table[(v % kinds) * n + t];
  }
  const dwi: Volume = {
    shape: [nx, ny, nz, n],
    datatype: "int16",
    data,
    affine: [[1.25, 0, 0, 0], [0, 1.25, 0, 0], [0, 0, 1.25, 0], [0, 0, 0, 1]],
    pixdim: [1.25, 1.25, 1.25, 1],
  };
  const float32Bytes = nvox * n * 4;
  const rssBefore = Deno.memoryUsage().rss;
  let rssPeak = rssBefore;
  const t0 = performance.now();
  const maps = fitTensor(dwi, gtab, {
    method: "ols",
    onProgress: () => (rssPeak = Math.max(rssPeak, Deno.memoryUsage().rss)),
  });
  const dt = (performance.now() - t0) / 1000;
  console.log(JSON.stringify({
    workload: "dmri-memory",
    tool: "cam-dmri",
    method: "OLS",
    shape: dwi.shape,
    value: Math.round((rssPeak / float32Bytes) * 100) / 100,
    unit: "peak RSS during fit / input float32 bytes",
    input_bytes: data.byteLength,
    input_float32_bytes: float32Bytes,
    rss_at_start: rssStart,
    rss_before_fit: rssBefore,
    rss_peak_during_fit: rssPeak,
    fit_added_bytes: rssPeak - rssBefore,
    output_bytes: nvox * 10 * 4,
    seconds: Math.round(dt * 100) / 100,
    fa_mean: faMean(maps),
  }));
}

if (import.meta.main) {
  // Memory first, in a process that has not yet allocated anything else.
  if (!Deno.args.includes("--no-memory")) await memory(Deno.args.includes("--quick"));
  await w2();
}
