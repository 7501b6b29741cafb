import { needs } from "../_skip.ts";
import assert from "node:assert/strict";
import { centreSlices, packSlices, type SliceImage, sliceVolume } from "../../lib/slices/mod.ts";
import { haveData, rasVolume, readVolume, restore } from "./_helpers.ts";

/** Largest absolute difference between two images' pixels. */
function maxDiff(a: SliceImage, b: SliceImage): number {
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

const ras = rasVolume([9, 11, 7], [1.5, 1, 2], (x, y, z) => Math.sin(x) + Math.cos(0.7 * y) * (z + 1));

Deno.test("centreSlices", async (t) => {
  await t.step("takes the centre count, start = floor((n - count) / 2)", () => {
    assert.deepEqual(centreSlices(10, 4), [3, 4, 5, 6]);
    assert.deepEqual(centreSlices(9, 4), [2, 3, 4, 5]);
    assert.equal(centreSlices(56, 16)[0], 20);
  });
  await t.step("takes every slice of a shorter axis", () => assert.deepEqual(centreSlices(3, 16), [0, 1, 2]));
});

Deno.test("sliceVolume", async (t) => {
  await t.step("defaults: 16 centre slices per axis at 224 x 224", () => {
    const v = rasVolume([20, 20, 20], [1, 1, 1], (x) => x);
    const images = sliceVolume(v);
    assert.equal(images.length, 48);
    assert.deepEqual(images.map((s) => s.provenance.axis).filter((a, i, all) => all.indexOf(a) === i), [
      "sagittal",
      "coronal",
      "axial",
    ]);
    assert.equal(images[0].height, 224);
    assert.equal(images[0].width, 224);
    assert.equal(images[0].data.length, 224 * 224);
    assert.equal(images[0].provenance.rasIndex, 2);
    assert.equal(images[15].provenance.rasIndex, 17);
    assert.deepEqual(images[0].normalization, {
      method: "none",
      scope: "volume",
      mask: "all",
      offset: 0,
      scale: 1,
      clip: [-Infinity, Infinity],
      count: 0,
    });
  });

  for (const codes of ["LPI", "AIL", "PIR", "SLA"]) {
    await t.step(`${codes} storage gives exactly the images of RAS storage`, () => {
      const a = sliceVolume(ras, { count: 4, size: 24 });
      const b = sliceVolume(restore(ras, codes), { count: 4, size: 24 });
      assert.equal(a.length, b.length);
      for (let k = 0; k < a.length; k++) {
        assert.equal(a[k].provenance.axis, b[k].provenance.axis);
        assert.equal(a[k].provenance.rasIndex, b[k].provenance.rasIndex);
        assert.deepEqual(a[k].provenance.plane, b[k].provenance.plane);
        assert.deepEqual(a[k].data, b[k].data);
      }
      assert.equal(b[0].provenance.orientation, codes);
    });
  }

  await t.step("provenance gives the slice in the source grid", () => {
    const lpi = restore(ras, "LPI"); // x (R) runs along voxel axis 0, reversed
    const images = sliceVolume(lpi, {
      count: 2,
      size: 8,
      subject: "s01",
      acquisition: "RL_dir80",
      source: "fa.nii",
    });
    const first = images[0].provenance;
    assert.deepEqual(first, {
      subject: "s01",
      acquisition: "RL_dir80",
      source: "fa.nii",
      axis: "sagittal",
      rasIndex: 3,
      voxelAxis: 0,
      voxelIndex: 5,
      orientation: "LPI",
      plane: { rows: 7, cols: 11, rowSpacing: 2, colSpacing: 1 },
      interpolation: "bilinear",
    });
    const ail = sliceVolume(restore(ras, "AIL"), { count: 1, size: 8 });
    assert.deepEqual(ail.map((s) => [s.provenance.axis, s.provenance.voxelAxis, s.provenance.voxelIndex]), [
      ["sagittal", 2, 4], // R ← voxel axis 2 (L), 9 slices, centre 4 → 8 - 4
      ["coronal", 0, 5], // A ← voxel axis 0 (A)
      ["axial", 1, 3], // S ← voxel axis 1 (I), 7 slices, centre 3 → 6 - 3
    ]);
  });

  await t.step("display convention: superior up, anterior right (sagittal), left on the left", () => {
    // 4x4x4 isotropic, marker values by region so nearest pixels show where anatomy lands.
    const v = rasVolume(
      [4, 4, 4],
      [1, 1, 1],
      (x, y, z) => (z === 3 ? 100 : 0) + (y === 3 ? 10 : 0) + (x === 0 ? 1 : 0),
    );
    const [sag, cor, ax] = sliceVolume(v, { count: 1, size: 4 }); // same grid: pixel = voxel
    const at = (s: SliceImage, r: number, c: number) => s.data[r * s.width + c];
    // sagittal slice x = 2: rows S→I, columns P→A
    assert.equal(at(sag, 0, 0), 100);
    assert.equal(at(sag, 3, 3), 10);
    assert.equal(at(sag, 3, 0), 0);
    // coronal slice y = 2: rows S→I, columns L→R (x increasing: x = 0 is the patient's left... side)
    assert.equal(at(cor, 0, 0), 101);
    assert.equal(at(cor, 3, 3), 0);
    // axial slice z = 2: rows A→P, columns x increasing
    assert.equal(at(ax, 0, 0), 11);
    assert.equal(at(ax, 3, 3), 0);
    assert.equal(at(ax, 0, 3), 10);
  });

  await t.step("keeps the physical aspect and pads the short side symmetrically", () => {
    // coronal plane: rows = S (4 voxels x 2 mm = 8 mm), cols = R (8 voxels x 1 mm = 8 mm): square
    // sagittal plane: rows = S (8 mm), cols = A (2 voxels x 1 mm = 2 mm) → 3/4 of the width is padding
    const v = rasVolume([8, 2, 4], [1, 1, 2], () => 5);
    const images = sliceVolume(v, { count: 1, size: 16, padValue: -1 });
    const [sag, cor] = images;
    assert.ok(cor.data.every((x) => x === 5));
    for (let r = 0; r < 16; r++) {
      const row = [...sag.data.subarray(r * 16, r * 16 + 16)];
      assert.deepEqual(row, [...new Array(6).fill(-1), 5, 5, 5, 5, ...new Array(6).fill(-1)]);
    }
  });

  await t.step("interpolates bilinearly between voxel centres", () => {
    const v = rasVolume([1, 2, 1], [1, 1, 1], (_x, y) => y * 4); // axial plane 1 row x 2 cols... sagittal 1 x 2
    const [sag] = sliceVolume(v, { count: 1, size: 4, axes: ["sagittal"] });
    // columns A: voxel centres at pixel coords 0.5 and 2.5; pixels 0..3 → [0, 1, 3, 4] · (4 / 2)
    assert.deepEqual([...sag.data.subarray(4, 8)], [0, 1, 3, 4]);
    assert.deepEqual([...sag.data.subarray(0, 4)], [0, 0, 0, 0]); // padding rows (plane is 1 mm tall)
  });

  await t.step(
    "nearest keeps a label map's values and puts each pixel in the voxel holding its centre",
    () => {
      const v = rasVolume([1, 3, 1], [1, 1, 1], (_x, y) => [2, 7, 5][y]);
      const [sag] = sliceVolume(v, {
        count: 1,
        size: 6,
        axes: ["sagittal"],
        interpolation: "nearest",
        padValue: -1,
      });
      // plane: 1 row (S, 1 mm) x 3 cols (A, 3 mm) → rows 2..3 of 6 hold the plane
      assert.deepEqual([...sag.data.subarray(12, 18)], [2, 2, 7, 7, 5, 5]);
      assert.deepEqual([...sag.data.subarray(0, 6)], new Array(6).fill(-1));
      assert.equal(sag.provenance.interpolation, "nearest");
      // deno-lint-ignore no-explicit-any
      assert.throws(() => sliceVolume(v, { interpolation: "cubic" as any }), {
        name: "SliceError",
        message: 'volume: interpolation must be "bilinear" or "nearest", got "cubic"',
      });
    },
  );

  await t.step("min-max normalises to [0, 1] over the volume, padding included", () => {
    const v = rasVolume([4, 4, 4], [1, 1, 1], (x, y, z) => 2 + x + y + z);
    const images = sliceVolume(v, { count: 4, size: 4, normalization: { method: "minmax" } });
    assert.equal(images[0].normalization.offset, 2);
    assert.equal(images[0].normalization.scale, 9);
    const all = images.flatMap((s) => [...s.data]);
    assert.equal(Math.min(...all), 0);
    assert.equal(Math.max(...all), 1);
  });

  await t.step("z-score within the non-zero mask; padding is a normalised raw 0", () => {
    const v = rasVolume([4, 4, 2], [1, 1, 1], (x) => (x === 0 ? 0 : x));
    const [image] = sliceVolume(v, {
      count: 1,
      size: 4,
      axes: ["axial"],
      normalization: { method: "zscore" },
    });
    const rec = image.normalization;
    assert.equal(rec.mask, "nonzero");
    assert.equal(rec.count, 24);
    assert.ok(Math.abs(rec.offset - 2) < 1e-12);
    assert.ok(Math.abs(rec.scale - Math.sqrt(2 / 3)) < 1e-12);
    assert.ok(Math.abs(image.data[0] - (0 - 2) / Math.sqrt(2 / 3)) < 1e-6);
  });

  await t.step("z-score with an explicit mask in storage order", () => {
    const v = restore(rasVolume([4, 4, 2], [1, 1, 1], (x) => x), "LPI");
    const mask = new Uint8Array(32);
    mask[0] = 1; // LPI voxel 0 is RAS voxel (3, 3, 1): value 3
    mask[31] = 1; // RAS (0, 0, 0): value 0
    const [image] = sliceVolume(v, { count: 1, size: 4, normalization: { method: "zscore", mask } });
    assert.deepEqual([image.normalization.mask, image.normalization.offset, image.normalization.scale], [
      "mask",
      1.5,
      1.5,
    ]);
    assert.throws(() => sliceVolume(v, { normalization: { method: "zscore", mask: new Uint8Array(3) } }), {
      name: "SliceError",
      message: "volume: normalization mask has 3 values, the volume's 3-D grid has 32",
    });
  });

  await t.step("percentile clip records its bounds in raw units", () => {
    const v = rasVolume([10, 10, 1], [1, 1, 1], (x, y) => 1 + x + 10 * y); // 1..100
    const [image] = sliceVolume(v, {
      count: 1,
      size: 10,
      axes: ["axial"],
      normalization: { method: "percentile", percentiles: [10, 90] },
    });
    const rec = image.normalization;
    assert.ok(Math.abs(rec.clip[0] - 10.9) < 1e-9 && Math.abs(rec.clip[1] - 90.1) < 1e-9);
    assert.deepEqual(rec.percentiles, [10, 90]);
    assert.equal(Math.min(...image.data), 0);
    assert.equal(Math.max(...image.data), 1);
  });

  await t.step("a flat map becomes zeros, never NaN, and slice scope fits each slice", () => {
    const v = rasVolume([3, 3, 3], [1, 1, 1], (_x, _y, z) => z * 7);
    const images = sliceVolume(v, {
      count: 3,
      size: 3,
      axes: ["axial"],
      normalization: { method: "minmax", scope: "slice" },
    });
    for (const s of images) {
      assert.ok(s.data.every((x) => x === 0));
      assert.equal(s.normalization.scale, 1);
      assert.equal(s.normalization.scope, "slice");
    }
    assert.deepEqual(images.map((s) => s.normalization.offset), [0, 7, 14]);
  });

  await t.step("non-finite voxels become the pad value and are counted", () => {
    const v = rasVolume(
      [3, 3, 3],
      [1, 1, 1],
      (x, y, z) => (x === 1 && y === 1 && z === 1 ? NaN : z === 0 ? Infinity : 1),
    );
    const images = sliceVolume(v, { count: 1, size: 3, normalization: { method: "zscore" } });
    for (const s of images) {
      assert.ok(s.data.every(Number.isFinite));
      assert.equal(s.provenance.nonFiniteVoxels, 10);
    }
    assert.equal(sliceVolume(ras, { count: 1, size: 3 })[0].provenance.nonFiniteVoxels, undefined);
  });

  await t.step("rejects bad options with messages naming the input", () => {
    assert.throws(() => sliceVolume(ras, { size: 0, source: "sub-01_FA.nii.gz" }), {
      name: "SliceError",
      message: "sub-01_FA.nii.gz: size must be a positive integer, got 0",
    });
    assert.throws(() => sliceVolume(ras, { count: 1.5 }), {
      name: "SliceError",
      message: "volume: count must be a positive integer, got 1.5",
    });
    // deno-lint-ignore no-explicit-any
    assert.throws(() => sliceVolume(ras, { axes: ["oblique" as any] }), {
      name: "SliceError",
      message: 'volume: unknown axis "oblique"',
    });
  });
});

Deno.test("packSlices", async (t) => {
  await t.step("packs N images into N x H x W x 1", () => {
    const images = sliceVolume(ras, { count: 2, size: 5 });
    const batch = packSlices(images);
    assert.deepEqual(batch.shape, [6, 5, 5, 1]);
    assert.deepEqual(batch.data.subarray(3 * 25, 4 * 25), images[3].data);
  });
  await t.step("rejects mixed sizes and an empty list", () => {
    const a = sliceVolume(ras, { count: 1, size: 5, axes: ["axial"] });
    const b = sliceVolume(ras, { count: 1, size: 6, axes: ["axial"] });
    assert.throws(() => packSlices([...a, ...b]), {
      name: "SliceError",
      message: "images[1]: is 6x6 (36 values), images[0] is 5x5",
    });
    assert.throws(() => packSlices([]), {
      name: "SliceError",
      message: "images: nothing to pack: the list is empty",
    });
  });
});

const shared = needs(haveData(), "../shared/data");

Deno.test({
  name: "sliceVolume on one volume stored as RAS, LPI and AIL (../shared/data)" + shared.label,
  ignore: shared.ignore,
}, async (t) => {
  const names = ["RAS", "LPI", "AIL"];
  const volumes = await Promise.all(names.map((n) => readVolume(`nifti/orientation/${n}.nii.gz`)));
  const options = { count: 16, size: 64, normalization: { method: "zscore" as const } };
  const slices = volumes.map((v) => sliceVolume(v, options));
  for (let n = 1; n < names.length; n++) {
    await t.step(`${names[n]} slices equal RAS slices`, () => {
      assert.equal(slices[n].length, 48);
      assert.equal(slices[n][0].provenance.orientation, names[n]);
      let worst = 0;
      for (let k = 0; k < 48; k++) {
        assert.equal(slices[n][k].provenance.rasIndex, slices[0][k].provenance.rasIndex);
        worst = Math.max(worst, maxDiff(slices[n][k], slices[0][k]));
      }
      assert.ok(worst <= 1e-5, `largest difference ${worst}`);
    });
  }
  await t.step("the images are not trivially empty", () => {
    const s = slices[0][40].data;
    assert.ok(Math.max(...s) - Math.min(...s) > 1);
  });
});
