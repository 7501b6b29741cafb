import { needs } from "../_skip.ts";
import assert from "node:assert/strict";
import { decodeNifti, encodeNifti, type Volume } from "../../lib/nifti/mod.ts";
import {
  canonicalGeometry,
  type SliceMap,
  slicesToVolume,
  sliceVolume,
  unpackMaps,
} from "../../lib/slices/mod.ts";
import { haveData, rasVolume, readVolume, restore } from "./_helpers.ts";

/** Is voxel (x, y, z) of an n-voxel canonical axis on that axis' border? */
const border = (c: number, n: number) => c === 0 || c === n - 1;

const SHAPE: [number, number, number] = [10, 12, 9];
const linear = rasVolume(SHAPE, [1.5, 1, 2], (x, y, z) => 1 + 0.5 * x - 0.25 * y + 0.75 * z);

Deno.test("slicesToVolume", async (t) => {
  for (const codes of ["RAS", "LPI", "AIL"]) {
    await t.step(`${codes}: slicing then putting back reproduces a linear volume on covered voxels`, () => {
      const stored = restore(linear, codes);
      const slices = sliceVolume(stored, { count: 4, size: 48 });
      const { volume, coverage } = slicesToVolume(slices, stored);
      assert.deepEqual(volume.shape, stored.shape);
      assert.deepEqual(volume.affine, stored.affine);
      assert.equal(volume.datatype, "float32");
      assert.equal(coverage.datatype, "uint8");
      const g = canonicalGeometry(stored);
      let covered = 0, triple = 0;
      for (let z = 0; z < SHAPE[2]; z++) {
        for (let y = 0; y < SHAPE[1]; y++) {
          for (let x = 0; x < SHAPE[0]; x++) {
            const v = g.base + x * g.steps[0] + y * g.steps[1] + z * g.steps[2];
            const expectedCount = Number(x >= 3 && x <= 6) + Number(y >= 4 && y <= 7) +
              Number(z >= 2 && z <= 5);
            assert.equal(coverage.data[v], expectedCount, `coverage at RAS (${x}, ${y}, ${z})`);
            const got = (volume.data as Float32Array)[v];
            if (expectedCount === 0) {
              assert.equal(got, 0);
              continue;
            }
            covered++;
            if (expectedCount === 3) triple++;
            const interior = !border(x, SHAPE[0]) && !border(y, SHAPE[1]) && !border(z, SHAPE[2]);
            const tolerance = interior ? 1e-4 : 0.2; // edges clamp for half a voxel
            assert.ok(
              Math.abs(got - Number(stored.data[v])) <= tolerance,
              `RAS (${x}, ${y}, ${z}): ${got} vs ${stored.data[v]}`,
            );
          }
        }
      }
      assert.equal(triple, 4 * 4 * 4);
      assert.ok(covered > triple);
    });
  }

  await t.step("nearest: a label volume sliced and put back with nearest is reproduced exactly", () => {
    for (const codes of ["RAS", "LPI", "AIL"]) {
      const labels = restore(
        rasVolume([7, 9, 5], [2, 1, 1.5], (x, y, z) => (x * 3 + y * 5 + z * 7) % 4),
        codes,
      );
      const slices = sliceVolume(labels, { count: 3, size: 40, interpolation: "nearest" });
      const { volume, coverage } = slicesToVolume(slices, labels, { interpolation: "nearest" });
      let covered = 0;
      for (let v = 0; v < labels.data.length; v++) {
        if (coverage.data[v] === 0) continue;
        covered++;
        assert.equal(volume.data[v], labels.data[v], `${codes} voxel ${v}`);
      }
      assert.ok(covered > 0);
    }
  });

  await t.step("averages the axes where they meet", () => {
    const v = rasVolume([5, 5, 5], [1, 1, 1], () => 0);
    const slices = sliceVolume(v, { count: 1, size: 5 });
    const maps = slices.map((s, k) => ({ ...s, data: new Float32Array(25).fill([3, 6, 12][k]) }));
    const { volume, coverage } = slicesToVolume(maps, v);
    const at = (x: number, y: number, z: number) => x + 5 * (y + 5 * z);
    assert.equal(volume.data[at(2, 2, 2)], 7); // (3 + 6 + 12) / 3
    assert.equal(coverage.data[at(2, 2, 2)], 3);
    assert.equal(volume.data[at(2, 2, 0)], 4.5); // sagittal x = 2 and coronal y = 2
    assert.equal(volume.data[at(0, 0, 2)], 12); // axial z = 2 only
    assert.equal(coverage.data[at(0, 0, 0)], 0);
  });

  await t.step("accepts maps at another resolution (e.g. 14 x 14 CAMs) over the same field of view", () => {
    const v = restore(rasVolume([8, 8, 4], [1, 1, 2], () => 0), "PIR");
    const slices = sliceVolume(v, { count: 2, size: 32 });
    // a map that is a linear ramp across the image columns, at 14 x 14
    const ramp = (h: number, w: number) => Float32Array.from({ length: h * w }, (_, i) => (i % w + 0.5) / w);
    const maps = slices.map((s) => ({ data: ramp(14, 14), height: 14, width: 14, provenance: s.provenance }));
    const small = slicesToVolume(maps, v);
    const big = slicesToVolume(slices.map((s) => ({ ...s, data: ramp(32, 32) })), v);
    for (let i = 0; i < small.volume.data.length; i++) {
      assert.ok(Math.abs((small.volume.data[i] as number) - (big.volume.data[i] as number)) < 0.04);
    }
    assert.deepEqual(small.coverage.data, big.coverage.data);
  });

  await t.step("unpackMaps pairs a batch of maps with the slices' provenance", () => {
    const v = rasVolume([5, 5, 5], [1, 1, 1], () => 1);
    const slices = sliceVolume(v, { count: 1, size: 5 });
    const maps = unpackMaps(
      { data: new Float32Array(3 * 2 * 2).fill(2), shape: [3, 2, 2, 1] },
      slices.map((s) => s.provenance),
    );
    assert.equal(maps.length, 3);
    assert.deepEqual([maps[1].height, maps[1].width, maps[1].provenance.axis], [2, 2, "coronal"]);
    assert.equal(slicesToVolume(maps, v).volume.data[2 + 5 * (2 + 5 * 2)], 2);
    assert.throws(
      () => unpackMaps({ data: new Float32Array(8), shape: [2, 2, 2] }, slices.map((s) => s.provenance)),
      {
        name: "SliceError",
        message: "batch: holds 2 maps but 3 provenance records were given",
      },
    );
  });

  await t.step(
    "the CAM and coverage volumes round-trip through NIfTI with the reference's affine",
    async () => {
      const stored = restore(linear, "AIL");
      const { volume, coverage } = slicesToVolume(sliceVolume(stored, { count: 2, size: 16 }), stored);
      for (const v of [volume, coverage]) {
        const back = await decodeNifti(encodeNifti(v));
        assert.deepEqual(back.shape, v.shape);
        assert.equal(back.datatype, v.datatype);
        assert.deepEqual(back.data, v.data);
        back.affine.forEach((row, r) =>
          row.forEach((x, c) => assert.ok(Math.abs(x - stored.affine[r][c]) < 1e-5))
        );
      }
    },
  );

  await t.step("rejects maps that do not fit the reference", () => {
    const v = rasVolume([4, 4, 4], [1, 1, 1], () => 0);
    const map = (provenance: SliceMap["provenance"], data = new Float32Array(4)): SliceMap => ({
      data,
      height: 2,
      width: 2,
      provenance,
    });
    assert.throws(() => slicesToVolume([map({ axis: "axial", rasIndex: 4 })], v), {
      name: "SliceError",
      message: "maps[0]: axial slice 4 is outside the reference grid (0..3)",
    });
    assert.throws(() => slicesToVolume([map({ axis: "axial", rasIndex: 1 }, new Float32Array(3))], v), {
      name: "SliceError",
      message: "maps[0]: has 3 values, 2x2 needs 4",
    });
    assert.throws(
      () => slicesToVolume([map({ axis: "axial", rasIndex: 1 }, new Float32Array([0, NaN, 0, 0]))], v),
      {
        name: "SliceError",
        message: "maps[0]: value NaN at pixel 1 is not finite",
      },
    );
    const lpi = restore(v, "LPI");
    const fromLpi = sliceVolume(lpi, { count: 1, size: 2, axes: ["axial"] })[0].provenance;
    assert.throws(() => slicesToVolume([map({ ...fromLpi, rasIndex: 2 })], lpi), {
      name: "SliceError",
      message:
        "maps[0]: provenance says voxel axis 2 index 2, but the reference puts axial slice 2 at voxel axis 2 " +
        "index 1: was it cut from another volume?",
    });
  });
});

const shared = needs(haveData(), "../shared/data");

Deno.test({
  name: "slicesToVolume on RAS, LPI and AIL storage of one volume (../shared/data)" + shared.label,
  ignore: shared.ignore,
}, async (t) => {
  for (const name of ["RAS", "LPI", "AIL"]) {
    await t.step(`${name}: slices put back match the volume on covered voxels`, async () => {
      const source: Volume = await readVolume(`nifti/orientation/${name}.nii.gz`);
      const slices = sliceVolume(source, { count: 16, size: 224 });
      const { volume, coverage } = slicesToVolume(slices, source);
      let n = 0, sumAbs = 0, worst = 0, range = 0;
      for (let v = 0; v < coverage.data.length; v++) {
        range = Math.max(range, Number(source.data[v]));
        if (!coverage.data[v]) continue;
        const d = Math.abs((volume.data[v] as number) - Number(source.data[v]));
        n++;
        sumAbs += d;
        worst = Math.max(worst, d);
      }
      const mean = sumAbs / n;
      assert.ok(n > 100_000, `covered ${n}`);
      assert.ok(mean < 0.01 * range, `mean abs error ${mean} of range ${range}`);
      assert.ok(worst < 0.25 * range, `worst error ${worst} of range ${range}`);
    });
  }
});
