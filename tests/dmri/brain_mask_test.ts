import assert from "node:assert/strict";
import {
  brainMask,
  gradientTable,
  keepLargestComponent,
  loadGradients,
  medianFilter3,
  otsuThreshold,
} from "../../lib/dmri/mod.ts";
import { readNifti } from "../../lib/nifti/mod.ts";
import { DWI, hasData, volume } from "./_helpers.ts";

Deno.test("otsuThreshold (dipy's otsu)", async (t) => {
  // Expected values computed with dipy 1.6: dipy.segment.threshold.otsu(np.array(values), bins).
  await t.step("matches dipy on a bimodal sample", () => {
    const values = [...Array(100).fill(10), ...Array(50).fill(200), 12, 14, 190];
    assert.equal(otsuThreshold(values), 13.7109375);
  });
  await t.step("matches dipy on small examples (ties go to the first bin)", () => {
    assert.equal(otsuThreshold([0, 1, 2, 3, 10, 11, 12, 13], 4), 0);
    assert.equal(otsuThreshold([0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 20], 8), 5);
  });
  await t.step("a flat image returns its value", () => assert.equal(otsuThreshold([5, 5, 5]), 5));
});

Deno.test("medianFilter3", async (t) => {
  await t.step("removes an isolated spike, keeps a constant", () => {
    const img = new Float64Array(27).fill(3);
    img[13] = 100;
    assert.deepEqual(Array.from(medianFilter3(img, [3, 3, 3], { radius: 1 })), Array(27).fill(3));
  });
  await t.step("reflects at the edges (scipy mode 'reflect')", () => {
    // 1-D along x: [1, 2, 9] with r = 1 → windows [1,1,2], [1,2,9], [2,9,9] → [1, 2, 9].
    assert.deepEqual(Array.from(medianFilter3(new Float64Array([1, 2, 9]), [3, 1, 1])), [1, 2, 9]);
  });
});

Deno.test("keepLargestComponent (6-connected)", () => {
  // 5 x 1 x 1: [1, 1, 0, 1, 0] → the pair survives.
  assert.deepEqual(Array.from(keepLargestComponent(new Uint8Array([1, 1, 0, 1, 0]), [5, 1, 1])), [
    1,
    1,
    0,
    0,
    0,
  ]);
  // Diagonal neighbours are not connected.
  assert.deepEqual(Array.from(keepLargestComponent(new Uint8Array([1, 0, 0, 1]), [2, 2, 1])), [1, 0, 0, 0]);
  assert.deepEqual(Array.from(keepLargestComponent(new Uint8Array(3), [3, 1, 1])), [0, 0, 0]);
});

Deno.test("brainMask finds a bright ball in a noisy b0", async (t) => {
  const [nx, ny, nz] = [20, 20, 12];
  const gtab = gradientTable([0, 5, 1000], [0, 0, 0, 1, 0, 0, 1, 0, 0]);
  const nvox = nx * ny * nz;
  const data = new Int16Array(nvox * 3);
  let seed = 1;
  const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const inside = new Uint8Array(nvox);
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const v = i + nx * (j + ny * k);
        inside[v] = (i - 9.5) ** 2 + (j - 9.5) ** 2 + ((k - 5.5) * 1.5) ** 2 < 49 ? 1 : 0;
        for (let t = 0; t < 2; t++) data[v + nvox * t] = Math.round((inside[v] ? 800 : 20) + 60 * rand());
        data[v + 2 * nvox] = Math.round(inside[v] ? 300 : 20);
      }
    }
  }
  data[0] = 900; // a bright speck far from the ball is dropped by the largest component
  const dwi = volume([nx, ny, nz, 3], data, "int16");
  await t.step("agrees with the ball up to the filter's smoothing", () => {
    const mask = brainMask(dwi, gtab, { medianRadius: 1 });
    assert.deepEqual(mask.shape, [nx, ny, nz]);
    assert.equal(mask.datatype, "uint8");
    assert.deepEqual(mask.affine, dwi.affine);
    let diff = 0;
    for (let v = 0; v < nvox; v++) if (mask.data[v] !== inside[v]) diff++;
    assert.ok(diff <= nvox * 0.01, `${diff} voxels differ`);
    assert.equal(mask.data[0], 0);
  });
  await t.step("errors", () => {
    const noB0 = gradientTable([1000, 1000, 1000], [1, 0, 0, 0, 1, 0, 0, 0, 1], { source: "g" });
    assert.throws(() => brainMask(dwi, noB0), {
      name: "DmriError",
      message: "g: no b0 volume (b ≤ 50) to build a brain mask from",
    });
  });
});

Deno.test({
  name: "brainMask reproduces dipy 1.6 median_otsu on real DWI (../shared/data/dwi)",
  ignore: !hasData,
  fn: async (t) => {
    // dipy: median_otsu(data, vol_idx=where(bvals <= 50), median_radius=r, numpass=p)[1]:
    // [voxel count, sum of the Fortran-order indices of the mask voxels].
    const expected: Record<string, Record<string, [number, number]>> = {
      "small_64D.nii": { "4,4": [495, 371465], "2,1": [119, 99782], "1,1": [155, 121331] },
      "small_101D.nii.gz": { "4,4": [552, 174720], "2,1": [82, 32042], "1,1": [97, 37523] },
      "small_25.nii.gz": { "4,4": [90, 7500], "2,1": [104, 8806], "1,1": [100, 8868] },
    };
    for (const [file, cases] of Object.entries(expected)) {
      const name = file.replace(/\.nii(\.gz)?$/, "");
      const dwi = await readNifti(`${DWI}${file}`);
      const gtab = await loadGradients(`${DWI}${name}.bval`, `${DWI}${name}.bvec`);
      for (const [key, want] of Object.entries(cases)) {
        await t.step(`${name} radius, passes = ${key}`, () => {
          const [medianRadius, numPass] = key.split(",").map(Number);
          const mask = brainMask(dwi, gtab, { medianRadius, numPass, largestComponent: false });
          let count = 0, sum = 0;
          (mask.data as Uint8Array).forEach((x, i) => {
            if (x) [count, sum] = [count + 1, sum + i];
          });
          assert.deepEqual([count, sum], want);
        });
      }
    }
  },
});
