import assert from "node:assert/strict";
import { encodeNifti, readNifti, type Volume } from "../../lib/nifti/mod.ts";
import { brainMask, fitTensor, fitTensorParallel, loadGradients } from "../../lib/dmri/mod.ts";
import { needs } from "../_skip.ts";

const NIFTI = new URL("../../../shared/data/nifti/", import.meta.url).pathname;
const DWI = new URL("../../../shared/data/dwi/", import.meta.url).pathname;
const shared = needs(await Deno.stat(NIFTI).then(() => true, () => false), "../shared/data");

/** The oracle: the whole image read as usual, the kept voxels gathered volume by volume. */
function gathered(full: Volume, mask: Uint8Array): number[] {
  const spatial = mask.length, volumes = full.data.length / spatial;
  const out: number[] = [];
  for (let v = 0; v < volumes; v++) {
    for (let i = 0; i < spatial; i++) if (mask[i]) out.push(Number(full.data[v * spatial + i]));
  }
  return out;
}

/** A seeded mask of about half the voxels. */
function someVoxels(n: number, seed = 7): Uint8Array {
  const m = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    m[i] = s >>> 31;
  }
  return m;
}

Deno.test({
  name: "readNifti { voxels }: the kept voxels of every volume, as the whole read has them" + shared.label,
  ignore: shared.ignore,
  fn: async (t) => {
    for (
      const [file, what] of [
        ["nibabel_example4d.nii.gz", "int16 gzip, stored type kept"],
        ["big.nii.gz", "big-endian float32, swapped"],
        ["nibabel_functional.nii", "float32 with scl_slope: scaled"],
        ["5D_small.nii", "5-D, scaled"],
      ]
    ) {
      await t.step(`${file} (${what})`, async () => {
        const full = await readNifti(`${NIFTI}${file}`);
        const spatial = full.shape.slice(0, 3).reduce((a, b) => a * b, 1);
        const mask = someVoxels(spatial);
        const kept = mask.reduce((a, b) => a + b, 0);
        const part = await readNifti(`${NIFTI}${file}`, { voxels: mask });
        assert.deepEqual(part.shape, [kept, 1, 1, ...full.shape.slice(3)]);
        assert.deepEqual(part.affine, full.affine);
        if (full.datatype === "int16") assert.equal(part.datatype, "int16");
        const want = gathered(full, mask);
        const got = Array.from(part.data as ArrayLike<number>);
        if (full.datatype === "float32" && part.datatype === "float64") {
          // scaled data read as float64 here, float32 by the whole read: equal to float32 rounding
          assert.deepEqual(got.map(Math.fround), want);
        } else assert.deepEqual(got, want);
      });
    }
    await t.step("a mask of the wrong size is a NiftiError naming the file", async () => {
      await assert.rejects(readNifti(`${NIFTI}nibabel_example4d.nii.gz`, { voxels: new Uint8Array(10) }), {
        name: "NiftiError",
        message:
          /nibabel_example4d\.nii\.gz: voxels: the mask has 10 voxels, the image's grid \[128, 96, 24\] 294912/,
      });
    });
    await t.step("from bytes too (decodeNifti's path)", async () => {
      const full = await readNifti(`${NIFTI}nibabel_example4d.nii.gz`);
      const bytes = encodeNifti(full, { gzip: true });
      const mask = someVoxels(128 * 96 * 24, 3);
      const part = await readNifti(bytes, { voxels: mask });
      assert.deepEqual(Array.from(part.data as Int16Array), gathered(full, mask));
    });
  },
});

Deno.test({
  name: "the tensor fit of a masked read is the masked fit of the whole grid, voxel for voxel" + shared.label,
  ignore: shared.ignore,
  fn: async () => {
    const full = await readNifti(`${DWI}small_25.nii.gz`);
    const gtab = await loadGradients(`${DWI}small_25.bval`, `${DWI}small_25.bvec`, {
      volumes: full.shape[3],
    });
    const mask = Uint8Array.from(brainMask(full, gtab).data as ArrayLike<number>, (x) => (x ? 1 : 0));
    const whole = fitTensor(full, gtab, { method: "wls", mask });
    const part = await readNifti(`${DWI}small_25.nii.gz`, { voxels: mask });
    const compact = fitTensor(part, gtab, { method: "wls" });
    const parallel = await fitTensorParallel(part, gtab, { method: "wls", workers: 2 });
    const inMask = (v: Volume) => Array.from(v.data as Float32Array).filter((_, i) => mask[i]);
    assert.ok(compact.fa.data.length > 100);
    assert.deepEqual(Array.from(compact.fa.data as Float32Array), inMask(whole.fa));
    assert.deepEqual(Array.from(compact.md.data as Float32Array), inMask(whole.md));
    assert.deepEqual(Array.from(parallel.fa.data as Float32Array), inMask(whole.fa));
  },
});
