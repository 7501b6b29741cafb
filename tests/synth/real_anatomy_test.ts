import { exists, needs } from "../_skip.ts";
import assert from "node:assert/strict";
import { fitTensor, gradientTable } from "../../lib/dmri/mod.ts";
import { readNifti } from "../../lib/nifti/read.ts";
import { volumeFrom } from "../../lib/nifti/volume_from.ts";
import { loadCohort } from "../../lib/data/cohort.ts";
import {
  gradientScheme,
  planSubjects,
  plantedMaps,
  realAnatomy,
  simulateCohort,
  simulateDwi,
} from "../../lib/synth/mod.ts";

const DATA = new URL("../../../shared/data/fa/", import.meta.url);

const fa = needs(exists(new URL("FA.nii.gz", DATA)), "../shared/data/fa");

Deno.test({
  name: "realAnatomy: a real FA + V1 map replaces the phantom" + fa.label,
  ignore: fa.ignore,
}, async (t) => {
  const fa = await readNifti(new URL("FA.nii.gz", DATA).pathname);
  const v1 = await readNifti(new URL("V1.nii.gz", DATA).pathname);
  const anatomy = realAnatomy(fa, v1);

  await t.step("grid, affine and regions inside the real white matter", () => {
    assert.deepEqual(anatomy.grid.shape, [84, 92, 56]);
    assert.deepEqual(anatomy.grid.affine, fa.affine);
    assert.deepEqual(anatomy.regions, ["callosum", "slf_left", "slf_right", "cst_left", "cst_right"]);
  });

  const subjects = planSubjects(anatomy.regions, {
    seed: 1,
    variability: 0,
    faJitter: 0,
    groups: [{ name: "young", count: 1, minAge: 11.5, maxAge: 11.5 }, {
      name: "old",
      count: 1,
      minAge: 50,
      maxAge: 50,
    }],
  });

  await t.step(
    "the planted FA is the real FA (clamped) where no effect is planted, shifted inside regions",
    () => {
      const [young, old] = subjects.map((s) => plantedMaps(anatomy, s, { regions: anatomy.regions }));
      const real = fa.data as Float32Array;
      const y = young.fa.data as Float32Array, o = old.fa.data as Float32Array;
      let inside = 0, outside = 0;
      for (let i = 0; i < real.length; i++) {
        if (real[i] <= 0) {
          assert.equal(y[i], 0);
          continue;
        }
        assert.ok(Math.abs(y[i] - Math.min(0.99, real[i])) < 1e-4, `voxel ${i}: ${y[i]} vs ${real[i]}`);
        const inCallosum = old.regions.callosum.data[i] === 1;
        const inCst = old.regions.cst_right.data[i] === 1;
        if (inCallosum && !inCst) {
          assert.ok(
            Math.abs(o[i] - y[i] - -0.1) < 1e-4 || y[i] < 0.11,
            `callosum voxel ${i}: ${y[i]} → ${o[i]}, slf ${old.regions.slf_left.data[i]}`,
          );
          inside++;
        } else if (!old.regions.slf_left.data[i] && !inCst) {
          assert.ok(Math.abs(o[i] - y[i]) < 1e-6);
          outside++;
        }
      }
      assert.ok(inside > 500 && outside > 50_000, `${inside} inside, ${outside} outside`);
      for (const region of anatomy.regions) {
        const mask = young.regions[region].data;
        let n = 0;
        for (let i = 0; i < mask.length; i++) if (mask[i]) n++, assert.ok(real[i] >= 0.3);
        assert.ok(n > 300, `${region}: ${n} voxels`);
      }
    },
  );

  await t.step("DWI simulated on the real anatomy fits back to its FA", () => {
    // A sub-block keeps the fit small: crop the anatomy by fitting only a mask of 2000 white-matter voxels.
    const scheme = gradientScheme({ directions: 6, b0Count: 1, seed: 3 });
    const dwi = simulateDwi(anatomy, subjects[0], scheme, { snr: Infinity });
    const mask = new Uint8Array(84 * 92 * 56);
    const real = fa.data as Float32Array;
    let picked = 0;
    for (let i = 0; i < real.length && picked < 2000; i += 7) {
      if (real[i] > 0.3 && real[i] < 0.9) mask[i] = 1, picked++;
    }
    const fit = fitTensor(dwi, gradientTable(scheme.bvals, scheme.bvecs), {
      mask: volumeFrom(mask, [84, 92, 56]),
    });
    const out = fit.fa.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i]) worst = Math.max(worst, Math.abs(out[i] - real[i]));
    // int16 rounding of S ≈ 1000 limits the precision.
    assert.ok(worst < 0.02, `worst |FA error| ${worst}`);
  });

  await t.step("simulateCohort uses the real anatomy instead of the phantom", async () => {
    const dir = await Deno.makeTempDir({ prefix: "real_cohort_test_" });
    try {
      const made = await simulateCohort(dir, {
        scale: "quick",
        realAnatomy: { fa, v1 },
        groups: [{ name: "young", count: 1, minAge: 8, maxAge: 15 }, {
          name: "old",
          count: 1,
          minAge: 25,
          maxAge: 75,
        }],
        acquisitions: 1,
        directions: 6,
        b0Count: 1,
        workers: 0,
      });
      assert.deepEqual(made.regions, ["callosum", "slf_left", "cst_right"]);
      const cohort = await loadCohort(dir);
      assert.deepEqual(cohort.problems, []);
      const dwi = await readNifti(cohort.subjects[1].acquisitions[0].dwiPath);
      assert.deepEqual(dwi.shape, [84, 92, 56, 7]);
      assert.deepEqual(dwi.affine, fa.affine);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });

  await t.step("mismatched V1 is a SynthError", () => {
    assert.throws(() => realAnatomy(fa, fa), {
      name: "SynthError",
      message: "real anatomy: V1 must have shape [84, 92, 56, 3] like FA, got [84, 92, 56]",
    });
  });
});
