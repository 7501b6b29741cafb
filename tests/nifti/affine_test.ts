import assert from "node:assert/strict";
import { needs, stepIf } from "../_skip.ts";
import {
  affineToQform,
  axisCodes,
  baseAffine,
  invertAffine,
  qformAffine,
  quaternionMatrix,
  readNifti,
  voxelToWorld,
  worldToVoxel,
} from "../../lib/nifti/mod.ts";
import { DATA, HAVE_DATA, header, rng } from "./_fixtures.ts";

/** nibabel 5.0 aff2axcodes of each file's affine. */
const NIBABEL_AXCODES: Record<string, string> = {
  "dwi/small_101D.nii.gz": "LAS",
  "dwi/small_25.nii.gz": "RAS",
  "dwi/small_64D.nii": "PLS",
  "fa/FA.nii.gz": "LAS",
  "nifti/5D_small.nii": "PSR",
  "nifti/air.hdr.gz": "AIR",
  "nifti/avg152T1_LR_nifti.nii": "LAS",
  "nifti/big.nii.gz": "LAS",
  "nifti/nibabel_example4d.nii.gz": "LAS",
  "nifti/nibabel_standard.nii.gz": "RAS",
  "nifti/niivue_ras.hdr": "RAS",
  "nifti/orientation/AIL.nii.gz": "AIL",
  "nifti/orientation/LPI.nii.gz": "LPI",
  "nifti/orientation/RAS.nii.gz": "RAS",
  "nifti/with_extension.nii.gz": "LPI",
};

function near(a: number[][], b: number[][], tol: number, what = "") {
  for (let r = 0; r < a.length; r++) {
    for (let c = 0; c < a[r].length; c++) {
      assert.ok(Math.abs(a[r][c] - b[r][c]) <= tol, `${what}[${r}][${c}]: ${a[r][c]} vs ${b[r][c]}`);
    }
  }
}

/** A random affine: rotation (random unit quaternion) · diag(zooms) with an optional flip, and a shift. */
function randomAffine(random: () => number, flip: boolean): number[][] {
  const q = [0, 0, 0, 0].map(() => random() * 2 - 1);
  const n = Math.hypot(...q);
  const r = quaternionMatrix(q[0] / n, q[1] / n, q[2] / n, q[3] / n);
  const zooms = [0.5 + random() * 3, 0.5 + random() * 3, (0.5 + random() * 3) * (flip ? -1 : 1)];
  return [
    ...[0, 1, 2].map((i) => [...[0, 1, 2].map((j) => r[i][j] * zooms[j]), random() * 200 - 100]),
    [0, 0, 0, 1],
  ];
}

const shared = needs(HAVE_DATA, `${DATA} (real files)`);

Deno.test("axisCodes matches nibabel's aff2axcodes", async (t) => {
  await t.step("synthetic", () => {
    assert.deepEqual(axisCodes([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]), ["R", "A", "S"]);
    assert.deepEqual(axisCodes([[-2, 0, 0, 90], [0, 2, 0, -126], [0, 0, 2, -72], [0, 0, 0, 1]]), [
      "L",
      "A",
      "S",
    ]);
    assert.deepEqual(axisCodes([[0, 0, 1, 0], [-1, 0, 0, 0], [0, -1, 0, 0], [0, 0, 0, 1]]), ["P", "I", "R"]);
    assert.deepEqual(axisCodes([[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]), ["R", null, "S"]);
    assert.deepEqual(
      axisCodes([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], {
        labels: [["l", "r"], ["p", "a"], ["i", "s"]],
      }),
      ["r", "a", "s"],
    );
  });
  await stepIf(t, shared, "on the shared files", async () => {
    for (const [name, codes] of Object.entries(NIBABEL_AXCODES)) {
      const v = await readNifti(`${DATA}${name}`);
      assert.equal(axisCodes(v.affine).join(""), codes, name);
    }
  });
});

Deno.test("voxelToWorld / worldToVoxel / invertAffine", () => {
  const random = rng(7);
  for (let k = 0; k < 20; k++) {
    const a = randomAffine(random, k % 2 === 1);
    const ijk = [random() * 50, random() * 50, random() * 50];
    const xyz = voxelToWorld(a, ijk);
    const back = worldToVoxel(a, xyz);
    near([back], [ijk], 1e-9, "round trip");
    const inv = invertAffine(a);
    near([voxelToWorld(inv, xyz)], [ijk], 1e-9, "inverse");
  }
  assert.deepEqual(voxelToWorld([[2, 0, 0, 1], [0, 3, 0, 2], [0, 0, 4, 3], [0, 0, 0, 1]], [1, 1, 1, 5]), [
    3,
    5,
    7,
  ]);
  assert.throws(() => worldToVoxel([[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], [0, 0, 0]), {
    name: "NiftiError",
    message: "<affine>: affine is singular: no world-to-voxel mapping",
  });
});

Deno.test("qform parameters reproduce the affine (nibabel set_qform / get_qform)", async (t) => {
  await t.step("random rotations, zooms and flips round-trip", () => {
    const random = rng(11);
    for (let k = 0; k < 50; k++) {
      const a = randomAffine(random, k % 2 === 0);
      const q = affineToQform(a);
      assert.ok(q.exact);
      assert.equal(q.qfac, k % 2 === 0 ? -1 : 1);
      const h = header([2, 2, 2], 2, 8, {
        version: 2,
        quaternB: q.quaternB,
        quaternC: q.quaternC,
        quaternD: q.quaternD,
        qoffsetX: q.qoffset[0],
        qoffsetY: q.qoffset[1],
        qoffsetZ: q.qoffset[2],
        pixdim: [q.qfac, ...q.zooms, 1, 1, 1, 1],
      });
      near(qformAffine(h), a, 1e-9, `affine ${k}`);
    }
  });
  await t.step("a sheared affine gets nibabel's closest-rotation qform", () => {
    const a = [[-2, 0.1, 0, 90.5], [0, 2, -0.25, -126], [0.125, 0, 2.5, -72], [0, 0, 0, 1]];
    const q = affineToQform(a);
    assert.equal(q.exact, false);
    assert.equal(q.qfac, -1);
    // nibabel 5.0: quatern_b, c, d and pixdim[1:4] after hdr.set_qform(A)
    near([[q.quaternB, q.quaternC, q.quaternD]], [[
      -0.013284624554216862,
      -0.9994585514068604,
      -0.02532481774687767,
    ]], 1e-7);
    near([q.zooms], [[2.0039024353027344, 2.0024983882904053, 2.5124688148498535]], 1e-6);
  });
  await t.step("baseAffine pads to 3-D", () => {
    assert.deepEqual(baseAffine([4], [2]), [[-2, 0, 0, 3], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]);
  });
});
