import assert from "node:assert/strict";
import { axisOrientation, canonicalGeometry, canonicalToSource, toCanonical } from "../../lib/slices/mod.ts";
import { rasVolume, restore } from "./_helpers.ts";

Deno.test("axisOrientation", async (t) => {
  await t.step("reads axis codes like nibabel's aff2axcodes", () => {
    assert.equal(axisOrientation([[2, 0, 0, 0], [0, 2, 0, 0], [0, 0, 2, 0], [0, 0, 0, 1]]).codes, "RAS");
    assert.equal(axisOrientation([[-2, 0, 0, 0], [0, -2, 0, 0], [0, 0, -2, 0], [0, 0, 0, 1]]).codes, "LPI");
    const ail = axisOrientation([[0, 0, -2.4, 74], [2.4, 0, 0, -110], [0, -2.4, 0, 84], [0, 0, 0, 1]]);
    assert.equal(ail.codes, "AIL");
    assert.deepEqual(ail.worldAxis, [1, 2, 0]);
    assert.deepEqual(ail.voxelAxis, [2, 0, 1]);
    assert.deepEqual(ail.sign, [1, -1, -1]);
  });

  await t.step("picks the closest axis of an oblique affine (dipy small_64D)", () => {
    const affine = [[0, -2, 0, 20], [-1.939744, 0, -0.487231, 25.17], [-0.48723, 0, 1.939744, 12.32], [
      0,
      0,
      0,
      1,
    ]];
    assert.equal(axisOrientation(affine).codes, "PLS");
  });

  await t.step("rejects a zero column", () => {
    assert.throws(() => axisOrientation([[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]), {
      name: "SliceError",
      message: "affine: affine column 1 is zero or not finite: voxel axis 1 has no direction",
    });
  });
});

Deno.test("toCanonical", async (t) => {
  const ras = rasVolume([5, 6, 7], [1, 2, 3], (x, y, z) => x + 10 * y + 100 * z);
  for (const codes of ["RAS", "LPI", "AIL", "PIR", "SLA"]) {
    await t.step(`${codes} storage gives the RAS data, shape and spacing back exactly`, () => {
      const stored = restore(ras, codes);
      const grid = toCanonical(stored);
      assert.equal(grid.orientation.codes, codes);
      assert.deepEqual(grid.shape, [5, 6, 7]);
      assert.deepEqual(grid.spacing, [1, 2, 3]);
      assert.deepEqual(grid.data, ras.data);
      const g = canonicalGeometry(stored);
      assert.equal(stored.data[canonicalToSource(g, 4, 1, 2)], 4 + 10 + 200);
    });
  }

  await t.step("uses the chosen frame of a 4-D volume", () => {
    const v = rasVolume([2, 2, 2], [1, 1, 1], () => 0);
    const data = new Float32Array(16).fill(1, 8);
    const grid = toCanonical({ ...v, shape: [2, 2, 2, 2], data }, { frame: 1 });
    assert.deepEqual([...grid.data], new Array(8).fill(1));
    assert.throws(() => toCanonical({ ...v, shape: [2, 2, 2, 2], data }, { frame: 2 }), {
      name: "SliceError",
      message: "volume: frame 2 is out of range: the volume has 2 frame(s)",
    });
  });

  await t.step("rejects data shorter than the shape", () => {
    const v = rasVolume([2, 2, 2], [1, 1, 1], () => 0);
    assert.throws(() => toCanonical({ ...v, data: new Float32Array(7) }, { input: "fa.nii" }), {
      name: "SliceError",
      message: "fa.nii: data holds 7 values, shape [2,2,2] needs 8",
    });
  });
});
