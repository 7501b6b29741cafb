import assert from "node:assert/strict";
import { readNifti, volumeFrom, writeNifti } from "../../lib/nifti/mod.ts";
import type { Volume } from "../../lib/nifti/mod.ts";

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
