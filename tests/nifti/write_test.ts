import assert from "node:assert/strict";
import { readNifti, volumeFrom, writeNifti } from "../../lib/nifti/mod.ts";
import type { Volume, WriteNiftiOptions } from "../../lib/nifti/mod.ts";

const AFFINE = [[-2, 0.1, 0, 90.5], [0, 2, -0.25, -126], [0.125, 0, 2.5, -72], [0, 0, 0, 1]];

function sample(): Volume[] {
  const n = 3 * 4 * 5;
  const f32 = new Float32Array(n * 2).map((_, i) => Math.sin(i) * 100);
  const i16 = new Int16Array(n).map((_, i) => i * 37 - 1000);
  const u8 = new Uint8Array(n).map((_, i) => i * 5);
  const f64 = new Float64Array(n).map((_, i) => Math.PI * i);
  return [
    volumeFrom(f32, [3, 4, 5, 2], { affine: AFFINE }),
    volumeFrom(i16, [3, 4, 5], { affine: AFFINE }),
    volumeFrom(u8, [3, 4, 5]),
    volumeFrom(f64, [3, 4, 5], { pixdim: [1.5, 2, 3] }),
  ];
}

Deno.test("writeNifti round-trips data, affine, shape and datatype", async (t) => {
  const dir = await Deno.makeTempDir();
  try {
    for (const ext of [".nii", ".nii.gz", ".hdr", ".img.gz"]) {
      await t.step(ext, async () => {
        for (const [k, vol] of sample().entries()) {
          const path = `${dir}/v${k}${ext}`;
          await writeNifti(vol, path);
          const back = await readNifti(path);
          assert.deepEqual(back.shape, vol.shape);
          assert.equal(back.datatype, vol.datatype);
          assert.deepEqual(back.data, vol.data);
          assert.deepEqual(back.affine, vol.affine);
        }
      });
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeNifti options, layouts and errors", async (t) => {
  const dir = await Deno.makeTempDir();
  const shape = [3, 4, 5];
  const f32 = new Float32Array(60).map((_, i) => i / 7);
  try {
    await t.step("big-endian and NIfTI-2 files read back the same", async () => {
      const vol = volumeFrom(f32, shape, { affine: AFFINE });
      for (const [i, opts] of [{ endian: "big" }, { version: 2 }, { version: 2, endian: "big" }].entries()) {
        const path = `${dir}/o${i}.nii.gz`;
        await writeNifti(vol, path, opts as WriteNiftiOptions);
        const back = await readNifti(path);
        assert.equal(back.header!.littleEndian, (opts as WriteNiftiOptions).endian !== "big");
        assert.equal(back.header!.version, (opts as WriteNiftiOptions).version ?? 1);
        assert.deepEqual(back.data, f32);
        assert.deepEqual(back.affine, AFFINE);
      }
    });
    await t.step("the qform holds the affine's rotation (read with sform_code 0)", async () => {
      const rigid = [[0, 0, -1.5, 10], [2, 0, 0, -20], [0, -2.5, 0, 30], [0, 0, 0, 1]];
      const path = `${dir}/q.nii`;
      await writeNifti(volumeFrom(f32, shape, { affine: rigid }), path, { sformCode: 0 });
      const back = await readNifti(path);
      assert.equal(back.header!.qformCode, 2);
      back.affine.forEach((row, r) => row.forEach((v, c) => assert.ok(Math.abs(v - rigid[r][c]) < 1e-6)));
      // a sheared affine cannot live in the qform: its code is 0 and the sform is exact
      await writeNifti(volumeFrom(f32, shape, { affine: AFFINE }), path);
      assert.equal((await readNifti(path)).header!.qformCode, 0);
    });
    await t.step("exact float64 affines travel in a comment extension only when needed", async () => {
      const path = `${dir}/e.nii`;
      await writeNifti(
        volumeFrom(f32, shape, { affine: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] }),
        path,
      );
      assert.deepEqual((await readNifti(path)).extensions, []);
      const odd = [[0.1, 0, 0, 1 / 3], [0, 0.2, 0, 0], [0, 0, 0.3, 0], [0, 0, 0, 1]];
      await writeNifti(volumeFrom(f32, shape, { affine: odd }), path);
      const back = await readNifti(path);
      assert.deepEqual(back.affine, odd);
      assert.equal(back.extensions!.length, 1);
      // rewriting does not duplicate it
      await writeNifti(back, path);
      assert.equal((await readNifti(path)).extensions!.length, 1);
    });
    await t.step("extensions, units, rgb and 7-D round-trip", async () => {
      const rgb = volumeFrom(new Uint8Array(60 * 3).map((_, i) => i), shape, { channels: 3 });
      rgb.units = { spatial: "micron", temporal: "msec" };
      const ext = { code: 6, label: "comment", data: new TextEncoder().encode("hello nifti") };
      const path = `${dir}/rgb.nii`;
      await writeNifti(rgb, path, { extensions: [ext] });
      const back = await readNifti(path);
      assert.equal(back.datatype, "rgb24");
      assert.equal(back.channels, 3);
      assert.deepEqual(back.data, rgb.data);
      assert.deepEqual(back.units, { spatial: "micron", temporal: "msec" });
      assert.deepEqual(back.extensions, [ext]);
      const seven = volumeFrom(new Int32Array(2 * 3 * 2 * 2 * 1 * 2 * 2).map((_, i) => i - 50), [
        2,
        3,
        2,
        2,
        1,
        2,
        2,
      ], {
        pixdim: [1, 2, 3, 0.5, 1, 1, 1],
      });
      await writeNifti(seven, `${dir}/seven.nii.gz`);
      const s = await readNifti(`${dir}/seven.nii.gz`);
      assert.deepEqual(s.shape, seven.shape);
      assert.deepEqual(s.pixdim, seven.pixdim);
      assert.deepEqual(s.data, seven.data);
    });
    await t.step("an inconsistent volume is a NiftiError naming the path", async () => {
      const vol = volumeFrom(f32, shape);
      await assert.rejects(writeNifti({ ...vol, datatype: "int16" }, `${dir}/x.nii`), {
        name: "NiftiError",
        message: `${dir}/x.nii: datatype "int16" does not match the data (float32)`,
      });
      await assert.rejects(writeNifti({ ...vol, shape: [3, 4, 6] }, `${dir}/x.nii`), {
        message: `${dir}/x.nii: data length 60 does not match shape [3, 4, 6]`,
      });
      await assert.rejects(writeNifti(vol, `${dir}/no/such/dir/x.nii`), {
        name: "NiftiError",
        message: new RegExp(`^${dir}/no/such/dir/x.nii: cannot write file`),
      });
      const entries = [...Deno.readDirSync(dir)].map((e) => e.name);
      assert.ok(!entries.some((n) => n.endsWith(".tmp")), "no temporary files left");
    });
    await t.step("volumeFrom checks its inputs", () => {
      assert.throws(() => volumeFrom(f32, [3, 4, 6]), {
        name: "NiftiError",
        message: "<volumeFrom>: data length 60 does not match shape [3, 4, 6]",
      });
      assert.throws(() => volumeFrom(f32, []), {
        message: "<volumeFrom>: shape [] must be 1 to 7 positive integers",
      });
      const v = volumeFrom(f32, shape, { pixdim: [2, 3, 4] });
      assert.deepEqual(v.affine, [[2, 0, 0, 0], [0, 3, 0, 0], [0, 0, 4, 0], [0, 0, 0, 1]]);
      assert.equal(v.datatype, "float32");
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
