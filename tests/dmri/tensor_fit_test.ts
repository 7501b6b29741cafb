import assert from "node:assert/strict";
import {
  DmriError,
  fitTensor,
  fitTensorParallel,
  FitWorkerPool,
  type GradientTable,
  gradientTable,
  loadGradients,
  tensorFromEigen,
  type TensorMaps,
  validateGradientTable,
} from "../../lib/dmri/mod.ts";
import { readNifti } from "../../lib/nifti/mod.ts";
import { DWI, dwiFromTensors, hasData, synthGradients, volume } from "./_helpers.ts";

const PROLATE = [1.7e-3, 0.3e-3, 0.3e-3];
/** FA of PROLATE: √(½·2·(1.4e-3)² / (1.7² + 2·0.3²)e-6) = √(1.96 / 3.07). */
const PROLATE_FA = Math.sqrt(1.96 / 3.07);

function assertSameMaps(a: TensorMaps, b: TensorMaps) {
  for (const k of ["fa", "md", "ad", "rd", "evals", "v1"] as const) assert.deepEqual(a[k].data, b[k].data, k);
}

Deno.test("fitTensor: a prolate tensor on the real small_64D and small_101D gradient tables", {
  ignore: !hasData,
}, async (t) => {
  for (const name of ["small_64D", "small_101D"]) {
    await t.step(name, async () => {
      const gtab = await loadGradients(`${DWI}${name}.bval`, `${DWI}${name}.bvec`);
      const dirs = [[0.2, 0.9, -0.1], [1, 1, 1]];
      const dwi = dwiFromTensors([2, 1, 1], (v) => tensorFromEigen(PROLATE, dirs[v]), gtab, 500);
      for (const method of ["ols", "wls"] as const) {
        const maps = fitTensor(dwi, gtab, { method });
        const fa = maps.fa.data as Float32Array, v1 = maps.v1.data as Float32Array;
        for (let v = 0; v < 2; v++) {
          assert.ok(Math.abs(fa[v] - PROLATE_FA) < 1e-6, `${method}: FA ${fa[v]}`);
          const d = dirs[v], n = Math.hypot(d[0], d[1], d[2]);
          const cos = Math.abs(v1[v] * d[0] + v1[v + 2] * d[1] + v1[v + 4] * d[2]) / n;
          assert.ok(cos > 1 - 1e-6, `${method}: |cos(V1, true)| = ${cos}`);
        }
      }
    });
  }
});

Deno.test("fitTensor: closed-form cases", async (t) => {
  const gtab = synthGradients();
  await t.step("an isotropic tensor gives FA 0 and MD = D", () => {
    const dwi = dwiFromTensors([2, 2, 1], () => [0.8e-3, 0, 0.8e-3, 0, 0, 0.8e-3], gtab);
    for (const method of ["ols", "wls"] as const) {
      const maps = fitTensor(dwi, gtab, { method });
      for (const x of maps.fa.data as Float32Array) assert.ok(Math.abs(x) < 1e-6, `${method} FA ${x}`);
      for (const x of maps.md.data as Float32Array) {
        assert.ok(Math.abs(x - 0.8e-3) < 1e-9, `${method} MD ${x}`);
      }
    }
  });
  await t.step("a prolate tensor gives back its FA, eigenvalues and V1 (sign-agnostic)", () => {
    const dirs = [[1, 0, 0], [0, 1, 1], [0.3, -0.5, 0.8], [-1, 2, 0.5]];
    const dwi = dwiFromTensors([2, 2, 1], (v) => tensorFromEigen(PROLATE, dirs[v]), gtab);
    for (const method of ["ols", "wls"] as const) {
      const maps = fitTensor(dwi, gtab, { method });
      const fa = maps.fa.data as Float32Array, v1 = maps.v1.data as Float32Array;
      const ev = maps.evals.data as Float32Array;
      for (let v = 0; v < 4; v++) {
        assert.ok(Math.abs(fa[v] - PROLATE_FA) < 1e-6, `${method} voxel ${v}: FA ${fa[v]} vs ${PROLATE_FA}`);
        for (let c = 0; c < 3; c++) assert.ok(Math.abs(ev[v + 4 * c] - PROLATE[c]) < 1e-9);
        const d = dirs[v], n = Math.hypot(d[0], d[1], d[2]);
        const cos = Math.abs(v1[v] * d[0] + v1[v + 4] * d[1] + v1[v + 8] * d[2]) / n;
        assert.ok(cos > 1 - 1e-6, `${method} voxel ${v}: |cos(V1, true)| = ${cos}`);
      }
      const ad = maps.ad.data as Float32Array, rd = maps.rd.data as Float32Array;
      assert.ok(Math.abs(ad[0] - 1.7e-3) < 1e-9 && Math.abs(rd[0] - 0.3e-3) < 1e-9);
    }
  });
  await t.step("outputs are float32 Volumes with the input's affine", () => {
    const dwi = dwiFromTensors([3, 2, 2], () => tensorFromEigen(PROLATE, [0, 0, 1]), gtab);
    const maps = fitTensor(dwi, gtab);
    for (const k of ["fa", "md", "ad", "rd"] as const) {
      assert.deepEqual(maps[k].shape, [3, 2, 2]);
      assert.equal(maps[k].datatype, "float32");
      assert.ok(maps[k].data instanceof Float32Array);
      assert.deepEqual(maps[k].affine, dwi.affine);
      assert.deepEqual(maps[k].pixdim, [2, 2, 2]);
    }
    assert.deepEqual(maps.evals.shape, [3, 2, 2, 3]);
    assert.deepEqual(maps.v1.shape, [3, 2, 2, 3]);
    assert.equal(maps.provenance.method, "ols");
    assert.equal(maps.provenance.minSignal, 1e-4);
  });
  await t.step("voxels outside the mask are zero; inside unchanged", () => {
    const dwi = dwiFromTensors([2, 2, 1], (v) => tensorFromEigen(PROLATE, [v, 1, 0]), gtab);
    const full = fitTensor(dwi, gtab);
    const masked = fitTensor(dwi, gtab, { mask: new Uint8Array([1, 0, 0, 1]) });
    const fa = masked.fa.data as Float32Array, ffa = full.fa.data as Float32Array;
    assert.deepEqual([fa[1], fa[2]], [0, 0]);
    assert.deepEqual([fa[0], fa[3]], [ffa[0], ffa[3]]);
    assert.deepEqual(
      Array.from(masked.v1.data as Float32Array).filter((_, i) => i % 4 === 1 || i % 4 === 2),
      [0, 0, 0, 0, 0, 0],
    );
    assert.equal(masked.provenance.masked, true);
  });
  await t.step("an all-zero voxel gives FA 0 and no NaN", () => {
    const n = gtab.count;
    const dwi = volume([1, 1, 1, n], new Int16Array(n), "int16");
    const maps = fitTensor(dwi, gtab, { method: "wls" });
    assert.equal((maps.fa.data as Float32Array)[0], 0);
    for (const k of ["md", "ad", "rd", "evals", "v1"] as const) {
      for (const x of maps[k].data as Float32Array) assert.ok(Number.isFinite(x), k);
    }
  });
  await t.step("every input type gives the same maps, int16 and int64 included", () => {
    const dwi = dwiFromTensors([4, 3, 2], (v) => tensorFromEigen(PROLATE, [1, v, 2]), gtab);
    const rounded = Float64Array.from(dwi.data as Float64Array, Math.round);
    const ref = fitTensor({ ...dwi, data: rounded }, gtab);
    const as = (data: typeof dwi.data, datatype: string) => fitTensor({ ...dwi, data, datatype }, gtab);
    assertSameMaps(as(Int16Array.from(rounded), "int16"), ref);
    assertSameMaps(as(Uint16Array.from(rounded), "uint16"), ref);
    assertSameMaps(as(Float32Array.from(rounded), "float32"), ref);
    assertSameMaps(as(Int32Array.from(rounded), "int32"), ref);
    assertSameMaps(as(BigInt64Array.from(rounded, (x) => BigInt(x)), "int64"), ref);
  });
  await t.step("errors", () => {
    const dwi = dwiFromTensors([1, 1, 1], () => tensorFromEigen(PROLATE, [0, 0, 1]), gtab);
    const short = gradientTable(gtab.bvals.slice(1), gtab.bvecs.slice(3), { source: "a.bval + a.bvec" });
    assert.throws(() => fitTensor(dwi, short), {
      name: "DmriError",
      message: "a.bval + a.bvec: has 60 entries but the DWI has 61 volumes",
    });
    assert.throws(() => fitTensor({ ...dwi, shape: [1, 1, 61] }, gtab), {
      name: "DmriError",
      message: "DWI: expected a 4-D volume, got shape (1, 1, 61)",
    });
    assert.throws(() => fitTensor(dwi, gtab, { mask: new Uint8Array(2) }), {
      message: "mask: has 2 voxels, the DWI has 1",
    });
    // deno-lint-ignore no-explicit-any
    assert.throws(() => fitTensor(dwi, gtab, { method: "nls" as any }), {
      message: `fitTensor: unknown method 'nls' (use "ols" or "wls")`,
    });
    assert.throws(() => fitTensor(dwi, gtab, { minSignal: 0 }), {
      message: "fitTensor: minSignal must be > 0, got 0",
    });
  });
});

Deno.test("fitTensorParallel gives the same maps as fitTensor", async (t) => {
  const gtab = synthGradients(10);
  const dwi = dwiFromTensors(
    [10, 9, 7],
    (v) => tensorFromEigen([1.5e-3, 0.4e-3 + (v % 7) * 1e-5, 0.2e-3], [1, v % 5, 1]),
    gtab,
  );
  const mask = new Uint8Array(10 * 9 * 7).map((_, i) => (i % 11 ? 1 : 0));
  await t.step("a pool per call", async () => {
    for (const method of ["ols", "wls"] as const) {
      const parallel = await fitTensorParallel(dwi, gtab, { method, mask, workers: 2, slabPlanes: 2 });
      assertSameMaps(parallel, fitTensor(dwi, gtab, { method, mask }));
    }
  });
  await t.step("one worker, buffers reused across jobs of different sizes", async () => {
    for (const method of ["ols", "wls"] as const) {
      const parallel = await fitTensorParallel(dwi, gtab, { method, mask, workers: 1, slabPlanes: 2 });
      assertSameMaps(parallel, fitTensor(dwi, gtab, { method, mask }));
    }
  });
  await t.step("a reused FitWorkerPool, progress reported", async () => {
    const pool = new FitWorkerPool({ workers: 2 });
    try {
      for (const method of ["wls", "ols"] as const) {
        const progress: number[] = [];
        const parallel = await fitTensorParallel(dwi, gtab, {
          method,
          pool,
          slabPlanes: 3,
          onProgress: (done) => progress.push(done),
        });
        assertSameMaps(parallel, fitTensor(dwi, gtab, { method }));
        assert.equal(progress.length, 3);
        assert.equal(progress.at(-1), 630);
      }
    } finally {
      pool.close();
    }
    await assert.rejects(fitTensorParallel(dwi, gtab, { pool }), {
      name: "DmriError",
      message: "FitWorkerPool: the pool is closed",
    });
  });
  await t.step("with a pool, a number of workers caps the workers that take jobs", async () => {
    const pool = new FitWorkerPool({ workers: 2 });
    try {
      let used = false;
      const second = pool.workers[1], post = second.postMessage.bind(second);
      second.postMessage = ((...args: Parameters<Worker["postMessage"]>) => {
        used = true;
        post(...args);
      }) as Worker["postMessage"];
      const capped = await fitTensorParallel(dwi, gtab, {
        method: "wls",
        mask,
        pool,
        workers: 1,
        slabPlanes: 1,
      });
      assert.equal(used, false, "the second worker got a job");
      assertSameMaps(capped, fitTensor(dwi, gtab, { method: "wls", mask }));
      await fitTensorParallel(dwi, gtab, { method: "wls", mask, pool, slabPlanes: 1 });
      assert.equal(used, true, "uncapped, both workers take jobs");
    } finally {
      pool.close();
    }
  });
});

Deno.test("fitTensor: gradient files that disagree with the DWI are a DmriError naming them", {
  ignore: !hasData,
}, async () => {
  const dwi = await readNifti(`${DWI}small_64D.nii`);
  const gtab = await loadGradients(`${DWI}small_25.bval`, `${DWI}small_25.bvec`);
  assert.throws(() => fitTensor(dwi, gtab), {
    name: "DmriError",
    message: `${DWI}small_25.bval + ${DWI}small_25.bvec: has 26 entries but the DWI has 65 volumes`,
  });
});

const DATASETS = [
  { name: "small_25", file: "small_25.nii.gz" },
  { name: "small_64D", file: "small_64D.nii" },
  { name: "small_101D", file: "small_101D.nii.gz" },
];

Deno.test({
  name: "fitTensor agrees with dipy 1.6 TensorModel (../shared/data/dwi/reference)",
  ignore: !hasData,
  fn: async (t) => {
    for (const { name, file } of DATASETS) {
      const dwi = await readNifti(`${DWI}${file}`);
      const gtab = await loadGradients(`${DWI}${name}.bval`, `${DWI}${name}.bvec`, { volumes: dwi.shape[3] });
      const [nx, ny, nz, n] = dwi.shape, nvox = nx * ny * nz;
      const allPositive = new Uint8Array(nvox).fill(1);
      for (let t = 0; t < n; t++) {
        for (let v = 0; v < nvox; v++) if (!(Number(dwi.data[v + nvox * t]) > 0)) allPositive[v] = 0;
      }
      for (const method of ["ols", "wls"] as const) {
        await t.step(`${name} ${method.toUpperCase()}`, async () => {
          const maps = fitTensor(dwi, gtab, { method });
          assert.deepEqual(maps.fa.affine, dwi.affine);
          for (const key of ["FA", "MD"] as const) {
            const ref =
              (await readNifti(`${DWI}reference/${name}_${key}_${method.toUpperCase()}.nii.gz`)).data;
            const ours = (key === "FA" ? maps.fa : maps.md).data as Float32Array;
            let maxPos = 0, maxRel = 0, maxOther = 0, others = 0, sum = 0;
            for (let v = 0; v < nvox; v++) {
              const r = Number(ref[v]), d = Math.abs(ours[v] - r);
              sum += d;
              if (allPositive[v]) {
                maxPos = Math.max(maxPos, d);
                if (key === "MD") maxRel = Math.max(maxRel, d / Math.abs(r));
              } else {
                others++;
                maxOther = Math.max(maxOther, d);
              }
            }
            console.log(
              `  ${name} ${method} ${key}: max |diff| ${maxPos.toExponential(2)} on ${
                nvox - others
              } all-positive ` +
                `voxels; ${others} other voxels, max |diff| ${maxOther.toExponential(2)}; mean ${
                  (sum / nvox).toExponential(2)
                }`,
            );
            if (method === "ols" && key === "FA") {
              // The data-derived floor changes only voxels with a sample ≤ 0.
              const alt = fitTensor(dwi, gtab, { method, minSignal: "smallest-positive" }).fa
                .data as Float32Array;
              for (let v = 0; v < nvox; v++) if (allPositive[v]) assert.equal(alt[v], ours[v]);
            }
            if (method === "ols") {
              assert.ok(maxPos <= 1e-4, `${name} OLS ${key}: ${maxPos}`);
              if (key === "MD") assert.ok(maxRel <= 1e-4, `${name} OLS MD relative: ${maxRel}`);
            } else if (key === "FA") {
              assert.ok(sum / nvox <= 2e-3, `${name} WLS FA mean |diff| ${sum / nvox}`);
            }
          }
        });
      }
    }
  },
});

Deno.test("fitTensor and fitTensorParallel refuse a gradient table that cannot support a tensor (issue 12)", async (t) => {
  const good = synthGradients(10);
  const n = good.count;
  const dwi = dwiFromTensors([2, 2, 2], () => tensorFromEigen(PROLATE, [1, 1, 0]), good);
  const source = "bad.bval + bad.bvec";
  const bad: [string, GradientTable, RegExp][] = [
    [
      "all b0",
      gradientTable(new Array(n).fill(0), new Array(3 * n).fill(0), { source }),
      /: no diffusion-weighted volume: all 21 b-values are ≤ b0Threshold 50$/,
    ],
    [
      "coplanar directions",
      gradientTable(
        Array.from({ length: n }, (_, i) => (i === 0 ? 0 : 1000)),
        Array.from({ length: n }, (_, i) => (i === 0 ? [0, 0, 0] : [Math.cos(i), Math.sin(i), 0])).flat(),
        { source },
      ),
      /: the design is rank deficient \(condition number .+ > 1000\): the diffusion directions do not determine/,
    ],
    [
      "b = 1e300",
      gradientTable(Float64Array.from(good.bvals, (b, i) => (i === 4 ? 1e300 : b)), good.bvecs, { source }),
      /: b-value 4 is 1e\+300 s\/mm², above the physical bound 100000 \(option maxBvalue\)$/,
    ],
    [
      "a single shell without b0",
      gradientTable(
        new Float64Array(n).fill(1000), // the b0 becomes one more b = 1000 volume along z
        good.bvecs.map((x, i) => i < 3 ? [0, 0, 1][i] : x),
        {
          source,
        },
      ),
      /: no b0 volume and a single b-value \(1000\), so ln S0 and the mean diffusivity cannot be separated/,
    ],
  ];
  for (const [name, gtab, message] of bad) {
    await t.step(name, async () => {
      const progress: number[] = [];
      assert.throws(() => fitTensor(dwi, gtab, { onProgress: (d) => progress.push(d) }), (e: unknown) => {
        assert.ok(e instanceof DmriError, String(e));
        assert.ok(e.message.startsWith(`${source}: `), e.message);
        assert.match(e.message, message);
        return true;
      });
      await assert.rejects(
        fitTensorParallel(dwi, gtab, { workers: 1, onProgress: (d) => progress.push(d) }),
        (e: unknown) => e instanceof DmriError && message.test(e.message) && e.source === source,
      );
      assert.deepEqual(progress, [], "no voxel was fitted");
    });
  }
  await t.step("gradientChecks loosens the limits; provenance records κ", () => {
    const huge = gradientTable(Float64Array.from(good.bvals, (b) => b * 100), good.bvecs, { source });
    assert.throws(() => fitTensor(dwi, huge), { name: "DmriError" });
    const maps = fitTensor(dwi, huge, { gradientChecks: { maxBvalue: 1e6 } });
    assert.equal(
      maps.provenance.designConditionNumber,
      validateGradientTable(huge, { maxBvalue: 1e6 }).conditionNumber,
    );
    const k = fitTensor(dwi, good).provenance.designConditionNumber;
    assert.equal(k, validateGradientTable(good).conditionNumber);
    assert.ok(k > 5 && k < 10, `κ ${k}`);
  });
});

Deno.test("a voxel with a non-finite sample is NaN in every map; the other voxels are unchanged (issue 12)", async (t) => {
  const gtab = synthGradients(10);
  const n = gtab.count;
  const shape: [number, number, number] = [3, 2, 2];
  const nvox = 12;
  const clean = dwiFromTensors(shape, (v) => tensorFromEigen(PROLATE, [1, v, 2]), gtab);
  /** Voxel → [volume, value] of its one bad sample. */
  const bad = new Map<number, [number, number]>([
    [1, [7, NaN]], // a diffusion-weighted sample (the case: FA 0.19 and MD ×10 before)
    [4, [0, Infinity]], // the b0
    [6, [n - 1, -Infinity]],
    [11, [3, NaN]],
  ]);
  const spoil = (data: Float64Array | Float32Array) => {
    const out = data.slice();
    for (const [v, [vol, value]] of bad) out[v + nvox * vol] = value;
    return out;
  };
  for (const type of ["float64", "float32"] as const) {
    const cleanData = type === "float64"
      ? clean.data as Float64Array
      : Float32Array.from(clean.data as Float64Array);
    const dwi = { ...clean, data: spoil(cleanData), datatype: type };
    const ref = { ...clean, data: cleanData, datatype: type };
    for (const method of ["ols", "wls"] as const) {
      await t.step(`${type} ${method.toUpperCase()}, in-thread and in workers`, async () => {
        const maps = fitTensor(dwi, gtab, { method });
        const before = fitTensor(ref, gtab, { method });
        for (const k of ["fa", "md", "ad", "rd", "evals", "v1"] as const) {
          const ours = maps[k].data as Float32Array, theirs = before[k].data as Float32Array;
          const components = ours.length / nvox;
          for (let v = 0; v < nvox; v++) {
            for (let c = 0; c < components; c++) {
              const i = v + c * nvox;
              if (bad.has(v)) assert.ok(Number.isNaN(ours[i]), `${k} of voxel ${v}: ${ours[i]}`);
              else assert.equal(ours[i], theirs[i], `${k} of voxel ${v}`);
            }
          }
        }
        for (let v = 0; v < nvox; v++) {
          const fa = (maps.fa.data as Float32Array)[v];
          if (!bad.has(v)) assert.ok(Math.abs(fa - PROLATE_FA) < 1e-5, `FA of voxel ${v}: ${fa}`);
        }
        assertSameMaps(await fitTensorParallel(dwi, gtab, { method, workers: 2, slabPlanes: 1 }), maps);
      });
    }
  }
  await t.step("a masked-out voxel is 0 even with a NaN sample", () => {
    const dwi = { ...clean, data: spoil(clean.data as Float64Array) };
    const mask = new Uint8Array(nvox).fill(1);
    mask[1] = 0;
    const maps = fitTensor(dwi, gtab, { mask });
    assert.equal((maps.fa.data as Float32Array)[1], 0);
    assert.equal((maps.md.data as Float32Array)[1], 0);
    assert.ok(Number.isNaN((maps.fa.data as Float32Array)[4]));
  });
  await t.step(
    "samples ≤ 0 stay floored at minSignal as in dipy: finite, a negative sample acts as 0",
    () => {
      const zero = Float64Array.from(clean.data as Float64Array), negative = zero.slice();
      zero[0 + nvox * 7] = 0;
      negative[0 + nvox * 7] = -25;
      const a = fitTensor({ ...clean, data: zero }, gtab), b = fitTensor({ ...clean, data: negative }, gtab);
      assertSameMaps(a, b);
      for (const k of ["fa", "md", "ad", "rd", "evals", "v1"] as const) {
        for (const x of a[k].data as Float32Array) assert.ok(Number.isFinite(x), k);
      }
    },
  );
});
