import assert from "node:assert/strict";
import { needs, stepIf } from "../_skip.ts";
import { gzipSync } from "node:zlib";
import { libdeflateGunzip, libdeflateLibrary } from "../../lib/native/mod.ts";
import { FINISH_LIMIT, gunzipAll, gunzipSource } from "../../lib/nifti/_source.ts";
import { decodeNifti, readNifti, readNiftiHeader } from "../../lib/nifti/mod.ts";
import { DATA as SHARED_DATA, HAVE_DATA } from "./_fixtures.ts";

const DATA = new Uint8Array(500_000).map((_, i) => (i * 7919 + (i >> 9)) % 253);
const GZ = new Uint8Array(gzipSync(DATA));
const LIB = libdeflateLibrary();
if (!LIB) {
  console.log("NOTE: libdeflate unavailable here (not installed, no FFI or CAM_LIBDEFLATE=off): zlib only");
}

const shared = needs(HAVE_DATA, `${SHARED_DATA} (real .nii.gz files)`);

Deno.test("libdeflate decompresses whole single-member streams, and only those", async (t) => {
  await t.step("a stream decodes to zlib's bytes, exactly filling the buffer", () => {
    const out = new Uint8Array(DATA.length);
    assert.equal(libdeflateGunzip(GZ, out), LIB !== null);
    if (LIB) assert.deepEqual(out, DATA);
  });
  await t.step("anything else is left to zlib (false)", () => {
    const cases: [string, Uint8Array, number][] = [
      ["two members", new Uint8Array([...GZ, ...GZ]), DATA.length * 2],
      ["truncated", GZ.subarray(0, GZ.length - 5), DATA.length],
      ["corrupt CRC", GZ.map((v, i) => i === GZ.length - 6 ? v ^ 1 : v), DATA.length],
      ["corrupt data", GZ.map((v, i) => i === 200 ? v ^ 0x55 : v), DATA.length],
      ["buffer too small", GZ, DATA.length - 1],
      ["buffer too large", GZ, DATA.length + 1],
      ["trailing bytes", new Uint8Array([...GZ, 0, 0, 0]), DATA.length],
    ];
    for (const [why, input, size] of cases) {
      assert.equal(libdeflateGunzip(input, new Uint8Array(size)), false, why);
    }
  });
  await t.step(
    "gunzipSource uses it only when the whole stream is wanted, once the reader says how far",
    () => {
      const whole = gunzipSource(GZ, "d.gz", { whole: true });
      // zlib until `expect`; then a decompressed stream knows its exact size, zlib only bounds it
      assert.equal(whole.remaining().exact, false);
      const head = new Uint8Array(1000);
      whole.read(head);
      whole.expect!(DATA.length);
      if (LIB) assert.deepEqual(whole.remaining(), { bytes: DATA.length - 1000, exact: true });
      else assert.equal(whole.remaining().exact, false);
      const rest = new Uint8Array(DATA.length - 1000);
      assert.equal(whole.read(rest), rest.length);
      assert.deepEqual(rest, DATA.subarray(1000));
      whole.close();
      whole.close(); // idempotent: the scratch buffer is given back once
      // a trailer stating less than the reader needs (a stream over 4 GiB wraps it), or more than
      // FINISH_LIMIT beyond (a bomb), leaves zlib inflating what is asked for
      for (const end of [DATA.length + 1, DATA.length - FINISH_LIMIT - 1]) {
        const s = gunzipSource(GZ, "d.gz", { whole: true });
        s.expect!(end);
        assert.equal(s.remaining().exact, false, `end ${end}`);
        s.close();
      }
      const piecewise = gunzipSource(GZ, "d.gz");
      assert.equal(piecewise.expect, undefined);
      assert.equal(piecewise.remaining().exact, false);
      piecewise.close();
    },
  );
  await stepIf(t, shared, "readNifti gives the same volume with and without it", async () => {
    for (const f of ["nibabel_example4d.nii.gz", "avg152T1_LR_nifti.nii.gz"]) {
      const path = `${SHARED_DATA}nifti/${f}`;
      const bytes = await Deno.readFile(path);
      const a = await readNifti(path, { dtype: "float32" });
      // zlib: a header-only read never inflates the whole stream; decodeNifti of a two-member copy
      // (the same image split in two gzip members) cannot take the libdeflate path
      const raw = gunzipAll(bytes, f);
      const split = new Uint8Array([...gzipSync(raw.subarray(0, 1000)), ...gzipSync(raw.subarray(1000))]);
      const b = decodeNifti(split, { dtype: "float32" });
      assert.deepEqual(a.shape, b.shape);
      assert.deepEqual(new Uint8Array(a.data.buffer), new Uint8Array(b.data.buffer), f);
      assert.deepEqual((await readNiftiHeader(path)).shape, a.shape);
    }
  });
});
