/**
 * The DGEMM tensor-fit kernel (lib/dmri/_gemm_kernel.ts) against the per-voxel JavaScript kernel on random
 * gradient tables and tensors, and its pieces against independent forms: pow2Kernel against Math.pow, the
 * unrolled cholSolve7 against the rolled Cholesky it replaced, the load measured over an interval.
 */
import assert from "node:assert/strict";
import { blasUnavailableReason } from "../../lib/native/mod.ts";
import { fitBlas, pow2Kernel } from "../../lib/dmri/_gemm_kernel.ts";
import { cholSolve7 } from "../../lib/dmri/_linalg.ts";
import {
  autoFitWorkers,
  busyCoresSince,
  cpuSnapshot,
  DmriError,
  fitTensor,
  fitTensorParallel,
  type GradientTable,
  gradientTable,
  tensorFromEigen,
  type TensorMaps,
  tensorSignal,
} from "../../lib/dmri/mod.ts";
import type { Volume } from "../../lib/nifti/volume.ts";
import { Rng } from "../../lib/rng.ts";
import { needs } from "../_skip.ts";
import { volume } from "./_helpers.ts";

const needBlas = needs(fitBlas() !== null, `a native BLAS (libopenblas0-pthread; ${blasUnavailableReason})`, {
  inCi: true,
});

/** A random table: `b0s` b0 volumes and `dirs` random unit directions at b-values in [500, 3000]. */
function randomTable(rng: Rng, dirs: number, b0s: number): GradientTable {
  const bvals: number[] = [], bvecs: number[] = [];
  for (let i = 0; i < b0s; i++) bvals.push(0), bvecs.push(0, 0, 0);
  for (let i = 0; i < dirs; i++) {
    const g = [rng.normal(), rng.normal(), rng.normal()];
    const norm = Math.hypot(g[0], g[1], g[2]);
    bvals.push(Math.round(rng.uniform(500, 2500)));
    bvecs.push(g[0] / norm, g[1] / norm, g[2] / norm);
  }
  // Shuffle the b0s in among the directions (a real acquisition interleaves them).
  for (let i = bvals.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [bvals[i], bvals[j]] = [bvals[j], bvals[i]];
    for (let c = 0; c < 3; c++) [bvecs[3 * i + c], bvecs[3 * j + c]] = [bvecs[3 * j + c], bvecs[3 * i + c]];
  }
  return gradientTable(bvals, bvecs);
}

/**
 * A noisy DWI of random tensors (eigenvalues 0.1e-3..2.5e-3, random axes, S0 500..3000, 1% Gaussian noise: well
 * posed, so that the kernels' rounding, not the noise's ill-conditioning, is compared), voxel 0 all zero;
 * float64, or rounded into int16.
 */
function randomDwi(rng: Rng, gtab: GradientTable, nvox: number, type: "float64" | "int16"): Volume {
  const n = gtab.count;
  const data = type === "int16" ? new Int16Array(nvox * n) : new Float64Array(nvox * n);
  const s = new Float64Array(n);
  for (let v = 1; v < nvox; v++) {
    const evals = [0, 0, 0].map(() => rng.uniform(0.1e-3, 2.5e-3)).sort((a, b) => b - a);
    const s0 = rng.uniform(500, 3000);
    tensorSignal(tensorFromEigen(evals, [rng.normal(), rng.normal(), rng.normal()]), gtab, { s0, out: s });
    for (let t = 0; t < n; t++) {
      const y = s[t] + rng.normal(0, 0.01 * s0);
      data[v + nvox * t] = type === "int16" ? Math.max(-32768, Math.min(32767, Math.round(y))) : y;
    }
  }
  return volume([nvox, 1, 1, n], data, type);
}

/** Maps of two kernels agree: FA to 1e-6, diffusivities to 1e-6 relative, V1 to 1e-6 in |cos| (where λ₁ is not double). */
function assertClose(a: TensorMaps, b: TensorMaps, what: string): void {
  const nvox = a.fa.data.length;
  const [fa1, fa2] = [a.fa.data as Float32Array, b.fa.data as Float32Array];
  const [ev1, ev2] = [a.evals.data as Float32Array, b.evals.data as Float32Array];
  const [v1a, v1b] = [a.v1.data as Float32Array, b.v1.data as Float32Array];
  let worstFa = 0, worstEv = 0;
  for (let v = 0; v < nvox; v++) {
    if (Number.isNaN(fa2[v])) {
      assert.ok(Number.isNaN(fa1[v]), `${what}: voxel ${v} NaN in one kernel only`);
      continue;
    }
    worstFa = Math.max(worstFa, Math.abs(fa1[v] - fa2[v]));
    for (const [x, y] of [[a.md, b.md], [a.ad, b.ad], [a.rd, b.rd]]) {
      const p = (x.data as Float32Array)[v], q = (y.data as Float32Array)[v];
      worstEv = Math.max(worstEv, Math.abs(p - q) / Math.max(Math.abs(q), 1e-9));
    }
    for (let c = 0; c < 3; c++) {
      const i = v + c * nvox;
      worstEv = Math.max(worstEv, Math.abs(ev1[i] - ev2[i]) / Math.max(Math.abs(ev2[i]), 1e-9));
    }
    if ((ev2[v] - ev2[v + nvox]) / ev2[v] > 1e-3) {
      let dot = 0;
      for (let c = 0; c < 3; c++) dot += v1a[v + c * nvox] * v1b[v + c * nvox];
      assert.ok(Math.abs(dot) > 1 - 1e-6, `${what}: voxel ${v} |cos(V1, V1')| = ${Math.abs(dot)}`);
    }
  }
  assert.ok(worstFa <= 1e-6, `${what}: FA differs by ${worstFa}`);
  assert.ok(worstEv <= 1e-6, `${what}: diffusivities differ by ${worstEv} relative`);
}

Deno.test({
  name: "fitTensor kernel 'blas' (DGEMM blocks) equals the per-voxel 'js' kernel to 1e-6 on random tables" +
    needBlas.label,
  ignore: needBlas.ignore,
  fn: async () => {
    const rng = new Rng(818);
    for (const [dirs, b0s] of [[12, 1], [30, 3], [90, 6], [150, 10]]) {
      const gtab = randomTable(rng, dirs, b0s);
      for (const type of ["int16", "float64"] as const) {
        // 1000 voxels: full blocks and a padded last one (gemmWidth: 384 to 56 wide here); a mask that drops
        // every 7th voxel.
        const dwi = randomDwi(rng, gtab, 1000, type);
        if (type === "float64") (dwi.data as Float64Array)[5 + 1000 * (gtab.count - 1)] = NaN;
        const mask = new Uint8Array(1000).map((_, i) => (i % 7 === 3 ? 0 : 1));
        for (const method of ["ols", "wls"] as const) {
          for (const m of [null, mask]) {
            const what = `${dirs} dirs, ${type} ${method}${m ? " masked" : ""}`;
            const blas = fitTensor(dwi, gtab, { method, mask: m, kernel: "blas" });
            const js = fitTensor(dwi, gtab, { method, mask: m, kernel: "js" });
            assertClose(blas, js, what);
            if (m) {
              for (let v = 3; v < 1000; v += 7) assert.equal((blas.fa.data as Float32Array)[v], 0, what);
            }
            if (type === "float64") assert.ok(Number.isNaN((blas.md.data as Float32Array)[5]), what);
          }
        }
        // Any split of the voxels gives the same bits (fixed-width products): workers, one plane per job.
        const inThread = fitTensor(dwi, gtab, { method: "wls", mask, kernel: "blas" });
        const split = volume([10, 10, 10, gtab.count], dwi.data, type);
        const parallel = await fitTensorParallel(split, gtab, {
          method: "wls",
          mask,
          kernel: "blas",
          workers: 2,
          slabPlanes: 1,
        });
        for (const k of ["fa", "md", "evals", "v1"] as const) {
          assert.deepEqual(parallel[k].data, inThread[k].data, `${dirs} dirs ${type}: ${k} in workers`);
        }
      }
    }
  },
});

Deno.test("fitTensor: an unknown kernel is a DmriError", () => {
  const rng = new Rng(1);
  const gtab = randomTable(rng, 12, 1);
  const dwi = randomDwi(rng, gtab, 8, "float64");
  assert.throws(() => fitTensor(dwi, gtab, { kernel: "gpu" as "js" }), (e: unknown) => {
    assert.ok(e instanceof DmriError);
    assert.equal((e as Error).message, `fitTensor: unknown kernel 'gpu' (use "auto", "blas" or "js")`);
    return true;
  });
});

Deno.test("pow2Kernel: Math.pow(2, y) to 5e-14 relative for |y| < 64, Math.pow itself elsewhere", () => {
  const rng = new Rng(2);
  let worst = 0;
  for (let i = 0; i < 300_000; i++) {
    const y = rng.uniform(-64, 63.9);
    const want = Math.pow(2, y);
    worst = Math.max(worst, Math.abs(pow2Kernel(y) - want) / want);
  }
  assert.ok(worst < 5e-14, `worst relative error ${worst}`);
  // The table's edges and every k/64 exactly (there f = 0 and the polynomial is 1).
  for (let k = -4096; k < 4090; k += 7) assert.equal(pow2Kernel(k / 64), Math.pow(2, k / 64), `2^(${k}/64)`);
  for (const y of [63.9, 64, 100, -64, -64.5, -1100, 1100, NaN, Infinity, -Infinity]) {
    assert.ok(Object.is(pow2Kernel(y), Math.pow(2, y)), `${y}`);
  }
});

/** The rolled Cholesky solve that cholSolve7 unrolled (as it was), for comparison. */
function rolledCholSolve7(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < 7; i++) {
    const ii = (i * (i + 1)) >> 1;
    for (let j = 0; j <= i; j++) {
      const jj = (j * (j + 1)) >> 1;
      let s = a[ii + j];
      for (let k = 0; k < j; k++) s -= a[ii + k] * a[jj + k];
      if (i === j) {
        if (!(s > 1e-300)) return false;
        a[ii + i] = Math.sqrt(s);
      } else a[ii + j] = s / a[jj + j];
    }
  }
  for (let i = 0; i < 7; i++) {
    const ii = (i * (i + 1)) >> 1;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= a[ii + k] * b[k];
    b[i] = s / a[ii + i];
  }
  for (let i = 6; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < 7; k++) s -= a[((k * (k + 1)) >> 1) + i] * b[k];
    b[i] = s / a[((i * (i + 1)) >> 1) + i];
  }
  return true;
}

Deno.test("cholSolve7 (unrolled): the rolled solve's bits, S x = b to 1e-12, false when not positive definite", () => {
  const rng = new Rng(3);
  for (let trial = 0; trial < 2000; trial++) {
    // S = MᵀM + εI, packed lower triangle.
    const m = Array.from({ length: 49 }, () => rng.normal());
    const s = new Float64Array(28);
    let q = 0;
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j <= i; j++) {
        let acc = i === j ? 1e-3 : 0;
        for (let k = 0; k < 7; k++) acc += m[k * 7 + i] * m[k * 7 + j];
        s[q++] = acc;
      }
    }
    const b = Float64Array.from({ length: 7 }, () => rng.normal());
    const x = b.slice(), y = b.slice();
    assert.ok(cholSolve7(s.slice(), x));
    assert.ok(rolledCholSolve7(s.slice(), y));
    assert.deepEqual(x, y);
    for (let i = 0; i < 7; i++) {
      let acc = 0;
      for (let j = 0; j < 7; j++) {
        acc += s[i >= j ? ((i * (i + 1)) >> 1) + j : ((j * (j + 1)) >> 1) + i] * x[j];
      }
      assert.ok(
        Math.abs(acc - b[i]) < 1e-9 * (1 + Math.abs(b[i])),
        `trial ${trial} row ${i}: ${acc} vs ${b[i]}`,
      );
    }
  }
  const singular = new Float64Array(28); // all zero
  assert.equal(cholSolve7(singular, new Float64Array(7)), false);
  const indefinite = new Float64Array(28);
  for (let i = 0; i < 7; i++) indefinite[((i * (i + 1)) >> 1) + i] = i === 4 ? -1 : 1;
  assert.equal(cholSolve7(indefinite, new Float64Array(7)), false);
});

Deno.test("busyCoresSince: other processes' load over an interval, this process's own work not counted", () => {
  const since = cpuSnapshot();
  if (since === null) return assert.equal(busyCoresSince({ idle: 0, total: 0, own: 0 }), null);
  assert.equal(busyCoresSince(since), null, "under 20 ms: not measurable");
  // This thread spins 150 ms: a busy core of ours, which must not count as load.
  const t0 = performance.now();
  let x = 0;
  while (performance.now() - t0 < 150) x += Math.sqrt(x + 1);
  const load = busyCoresSince(since);
  assert.ok(load !== null && load >= 0 && load <= navigator.hardwareConcurrency, `load ${load} (${x > 0})`);
  const cores = navigator.hardwareConcurrency;
  const workers = autoFitWorkers(1e8, { since });
  assert.equal(workers, Math.min(cores, Math.max(1, Math.round(cores - busyCoresSince(since)!))));
});

Deno.test("without a native BLAS (CAM_BLAS=off) 'auto' fits per voxel and 'blas' is a DmriError", async () => {
  const script = `
    import { fitTensor, gradientTable } from "${new URL("../../lib/dmri/mod.ts", import.meta.url).href}";
    const dirs = [[1,0,0],[0,1,0],[0,0,1],[0.7071,0.7071,0],[0.7071,0,0.7071],[0,0.7071,0.7071],[0.577,0.577,0.577]];
    const gtab = gradientTable([0, ...dirs.map(() => 1000)], [0, 0, 0, ...dirs.flat()]);
    const data = new Float64Array(8).map((_, t) => 1000 * Math.exp(-(t ? 1 : 0)));
    const dwi = { shape: [1, 1, 1, 8], datatype: "float64", data, affine: [[1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,1]], pixdim: [1, 1, 1, 1] };
    console.log(fitTensor(dwi, gtab, { method: "wls" }).md.data[0].toFixed(6));
    try { fitTensor(dwi, gtab, { kernel: "blas" }); } catch (e) { console.log(e.name + ": " + e.message); }
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", script],
    env: { CAM_BLAS: "off" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  assert.equal(lines[0], "0.001000", "isotropic D = 1e-3 from the per-voxel kernel");
  assert.equal(
    lines[1],
    `DmriError: fitTensor: kernel "blas": no native BLAS loaded (CAM_BLAS=off); use "auto" or "js"`,
  );
});
