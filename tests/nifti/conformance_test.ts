import assert from "node:assert/strict";
import { needs } from "../_skip.ts";
import { crc32 } from "node:zlib";
import { readNifti } from "../../lib/nifti/mod.ts";
import { DATA, HAVE_DATA } from "./_fixtures.ts";

interface Expected {
  shape: number[];
  dtype: string;
  big_endian: boolean;
  nifti_version: number;
  pixdim: number[];
  affine: number[][];
  mean?: number;
  min?: number;
  max?: number;
  sum?: number;
  mean_abs?: number;
}

function stats(data: ArrayLike<number | bigint>): { mean: number; min: number; max: number; sum: number } {
  let sum = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]);
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { mean: sum / data.length, min, max, sum };
}

function close(actual: number, expected: number, rel: number, what: string) {
  const tol = rel * Math.max(Math.abs(expected), 1e-12);
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);
}

const shared = needs(HAVE_DATA, `${DATA} (real files and nibabel's readings)`);

Deno.test(
  { name: "readNifti matches nibabel on every shared file" + shared.label, ignore: shared.ignore },
  async (t) => {
    const expected: Record<string, Expected> = JSON.parse(
      await Deno.readTextFile(`${DATA}expected_nibabel.json`),
    );
    for (const [name, exp] of Object.entries(expected)) {
      await t.step(name, async () => {
        const vol = await readNifti(`${DATA}${name}`, { complex: "magnitude" });
        assert.deepEqual(vol.shape, exp.shape);
        assert.equal(vol.header!.version, exp.nifti_version);
        // nibabel reports no byte order for 1-byte types
        if (vol.data.BYTES_PER_ELEMENT > 1 && !vol.scaling) {
          assert.equal(vol.header!.littleEndian, !exp.big_endian);
        }
        for (let i = 0; i < exp.pixdim.length; i++) close(vol.pixdim[i], exp.pixdim[i], 1e-7, `pixdim[${i}]`);
        for (let r = 0; r < 4; r++) {
          for (let c = 0; c < 4; c++) {
            assert.ok(
              Math.abs(vol.affine[r][c] - exp.affine[r][c]) <= 1e-5,
              `affine[${r}][${c}] ${vol.affine[r][c]} vs ${exp.affine[r][c]}`,
            );
          }
        }
        const s = stats(vol.data);
        if (exp.mean_abs !== undefined) close(s.mean, exp.mean_abs, 1e-6, "mean_abs");
        else {
          close(s.mean, exp.mean!, 1e-6, "mean");
          close(s.min, exp.min!, 1e-6, "min");
          close(s.max, exp.max!, 1e-6, "max");
          close(s.sum, exp.sum!, 1e-6, "sum");
        }
      });
    }
  },
);

Deno.test({
  name: "raw image bytes match the CRC32 oracles of MANIFEST.md" + shared.label,
  ignore: shared.ignore,
}, async (t) => {
  const oracles: [string, number][] = [
    ["nifti/avg152T1_LR_nifti.nii.gz", 1033497386],
    ["nifti/avg152T1_LR_nifti2.nii.gz", 471047545],
    ["nifti/5D_small.nii", 1168954819],
    ["nifti/big.nii.gz", 3243691439],
    ["nifti/little.nii.gz", 4006845507],
    ["nifti/air.hdr.gz", 692149477],
    ["nifti/air2.hdr.gz", 692149477],
  ];
  for (const [name, crc] of oracles) {
    await t.step(name, async () => {
      // the oracle is over the bytes as stored (before scaling, in the file's byte order)
      const vol = await readNifti(`${DATA}${name}`, { scale: false });
      const raw = vol.data;
      let bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
      const width = raw.BYTES_PER_ELEMENT;
      if (!vol.header!.littleEndian && width > 1) {
        bytes = bytes.slice();
        for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
      }
      assert.equal(crc32(bytes) >>> 0, crc);
    });
  }
});
