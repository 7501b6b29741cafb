/**
 * Memory limits of the readers (issue 12): skipped bytes are never held, image arrays are sized from
 * the header and filled in place, gzip bombs stop at the declared size, maxBytes refuses large images
 * before inflating them. Files are crafted in a temporary folder by a seeded generator that streams
 * them (_crafted.ts); each read runs in a child process whose peak RSS (VmHWM) is asserted.
 */

import assert from "node:assert/strict";
import { DEFAULT_MAX_BYTES, encodeHeader, type NiftiHeader, readNifti } from "../../lib/nifti/mod.ts";
import { crcOf, inTempDir, mb, type Piece, readInChild, seededBytes, writeGzip } from "./_crafted.ts";
import { header } from "./_fixtures.ts";

/** Peak RSS is read from /proc/self/status (VmHWM): Linux only. */
const NO_PROC = Deno.build.os === "linux" ? undefined : "peak RSS is read from /proc (Linux only)";
const IGNORED = NO_PROC ? ` [ignored: ${NO_PROC}]` : "";

/** Peak RSS allowed for a read that holds no image (header only, or a tiny image). */
const SMALL_PEAK = 100 * 1024 * 1024;

/** A NIfTI-1 header (and 4 flag bytes: no extensions) for `shape` of a datatype. */
function head(
  shape: number[],
  datatype: number,
  bitpix: number,
  over: Partial<NiftiHeader> = {},
): Uint8Array {
  const h = encodeHeader(header(shape, datatype, bitpix, over));
  const out = new Uint8Array(h.length + 4);
  out.set(h);
  return out;
}

/** Bytes that are not deflate data (block type 3 is reserved): inflating them is an error. */
const NOT_DEFLATE = { rawDeflate: new Uint8Array([0xff, 0xff, 0xff, 0xff]) };

function assertPeak(peak: number, limit: number, what: string) {
  console.log(`  ${what}: peak RSS ${mb(peak)} (limit ${mb(limit)})`);
  assert.ok(peak < limit, `${what}: peak RSS ${mb(peak)} over ${mb(limit)}`);
}

Deno.test({
  name: "memory: bytes before vox_offset are skipped, never held (vox_offset 3e9)" + IGNORED,
  ignore: NO_PROC !== undefined,
}, async (t) => {
  const image = seededBytes(64 * 64 * 2, 12);
  const imageCrc = crcOf([image]);
  await inTempDir(async (dir) => {
    const gz = `${dir}/offset.nii.gz`;
    const written = writeGzip(gz, [head([64, 64], 4, 16, { voxOffset: 3e9 }), { zeros: 3e9 - 352 }, image]);
    assert.ok(written.compressed < 4e6, `${written.compressed} bytes compressed`);
    await t.step("readNiftiHeader of the 2.9 MB .nii.gz inflates only the header", async () => {
      const r = await readInChild("header", gz);
      assert.deepEqual(r.shape, [64, 64]);
      assertPeak(r.peakRss, SMALL_PEAK, "header-only");
      assert.ok(r.seconds < 2, `${r.seconds} s`);
    });
    await t.step("readNifti inflates the 3 GB before vox_offset through a small buffer", async () => {
      const r = await readInChild("read", gz);
      assert.equal(r.error, undefined, r.error?.message);
      assert.equal(r.dataCrc, imageCrc);
      assertPeak(r.peakRss, SMALL_PEAK, "full read");
    });
    await t.step("a sparse .nii and an .img.gz pair skip it too", async () => {
      const nii = `${dir}/offset.nii`;
      const file = await Deno.open(nii, { write: true, create: true });
      await file.write(head([64, 64], 4, 16, { voxOffset: 3e9 }));
      await file.seek(3e9, Deno.SeekMode.Start);
      await file.write(image);
      file.close();
      const hdr = encodeHeader(header([64, 64], 4, 16, { magic: "ni1", voxOffset: 3e9 }));
      await Deno.writeFile(`${dir}/pair.hdr`, hdr);
      writeGzip(`${dir}/pair.img.gz`, [{ zeros: 3e9 }, image]);
      for (const [what, path] of [["sparse .nii", nii], ["pair .img.gz", `${dir}/pair.hdr`]]) {
        const h = await readInChild("header", path);
        assertPeak(h.peakRss, SMALL_PEAK, `${what}, header-only`);
        const r = await readInChild("read", path);
        assert.equal(r.error, undefined, r.error?.message);
        assert.equal(r.dataCrc, imageCrc, what);
        assertPeak(r.peakRss, SMALL_PEAK, `${what}, full read`);
      }
    });
  });
});

/**
 * Why this machine should not run the 4.3 GB read (about 5 s and 4.4 GB of memory here), or undefined:
 * it runs where the machine has 12 GiB or more, unless CAM_BIG_TESTS=0; CAM_BIG_TESTS=1 runs it anyway.
 * Skipped through `ignore:` with the reason in the name (as tests/_skip.ts does).
 */
function bigTestSkip(): string | undefined {
  const flag = Deno.env.get("CAM_BIG_TESTS");
  if (flag === "1") return undefined;
  if (flag === "0") return "CAM_BIG_TESTS=0";
  try {
    const total = Deno.systemMemoryInfo().total;
    if (total < 12 * 1024 ** 3) {
      return `needs 12 GiB of memory, this machine has ${mb(total)}; CAM_BIG_TESTS=1 forces it`;
    }
  } catch {
    return "cannot see the machine's memory (--allow-sys); CAM_BIG_TESTS=1 forces it";
  }
  return undefined;
}

const BIG_SKIP = NO_PROC ?? bigTestSkip();

Deno.test({
  name:
    "memory: a .nii.gz over 4 GiB (its gzip trailer's size wraps) reads into one array sized from the header" +
    (BIG_SKIP ? ` [ignored: ${BIG_SKIP}]` : ""),
  ignore: BIG_SKIP !== undefined,
  fn: () =>
    inTempDir(async (dir) => {
      // uint8, 4.3e9 bytes: just over 2^32, the smallest image whose trailer wraps (to ~8 MB here)
      const shape = [2048, 2048, 1026];
      const n = shape.reduce((a, b) => a * b, 1);
      const first = seededBytes(1 << 20, 41), last = seededBytes(1 << 20, 42);
      const image: Piece[] = [first, { zeros: n - (2 << 20) }, last];
      const path = `${dir}/big.nii.gz`;
      const written = writeGzip(path, [head(shape, 2, 8), ...image]);
      assert.ok(written.bytes > 2 ** 32 && written.bytes % 2 ** 32 < 16e6, "the trailer's size wraps");
      const r = await readInChild("read", path, { probe: [0, 1, n - 1, 2 ** 32 + 7] });
      assert.equal(r.error, undefined, r.error?.message);
      assert.deepEqual(r.shape, shape);
      assert.equal(r.dataBytes, n);
      // bytes past 2^32 land where they belong (Deno's zlib binding wraps offsets at 2^32)
      assert.deepEqual(r.probe, [first[0], first[1], last[last.length - 1], 0]);
      assert.equal(r.dataCrc, crcOf(image));
      console.log(`  ${mb(n)} uint8 read in ${r.seconds.toFixed(1)} s`);
      // one array, filled in place: no second copy of the image
      assertPeak(r.peakRss, n * 1.5, "4.3 GB image");
    }),
});

Deno.test({
  name: "memory: gzip images whose trailer does not state their size are read in place" + IGNORED,
  ignore: NO_PROC !== undefined,
}, async (t) => {
  await inTempDir(async (dir) => {
    await t.step("a two-member .nii.gz (the last member's trailer says 0 bytes), stored type", async () => {
      // the smaller variant of the >4 GiB case: the trailer cannot size the image, the header does
      const shape = [1024, 1024, 400];
      const n = shape.reduce((a, b) => a * b, 1);
      const image: Piece[] = [seededBytes(1 << 20, 51), { zeros: n - (2 << 20) }, seededBytes(1 << 20, 52)];
      const path = `${dir}/members.nii.gz`;
      writeGzip(path, [head(shape, 2, 8), ...image]);
      writeGzip(path, [], { append: true });
      const r = await readInChild("read", path);
      assert.equal(r.error, undefined, r.error?.message);
      assert.equal(r.dataCrc, crcOf(image));
      assertPeak(r.peakRss, n * 1.5, `${mb(n)} uint8`);
    });
    await t.step(
      "int16 read as float32: stored values pass through a small buffer, not a whole copy",
      async () => {
        const shape = [1024, 1024, 100];
        const n = shape.reduce((a, b) => a * b, 1);
        const seeded = seededBytes(1 << 20, 53);
        const path = `${dir}/convert.nii.gz`;
        writeGzip(path, [head(shape, 4, 16), seeded, { zeros: 2 * n - seeded.length }]);
        writeGzip(path, [], { append: true });
        const probe = [0, 1, 1000, n - 1];
        const r = await readInChild("read", path, { dtype: "float32", probe });
        assert.equal(r.error, undefined, r.error?.message);
        assert.equal(r.dataBytes, 4 * n);
        const stored = new Int16Array(seeded.buffer);
        assert.deepEqual(r.probe, [stored[0], stored[1], stored[1000], 0]);
        // the float32 array plus less than half the stored size
        assertPeak(r.peakRss, 4 * n + n, `${mb(2 * n)} int16 → ${mb(4 * n)} float32`);
      },
    );
  });
});

Deno.test({
  name: "memory: gzip bombs and forged sizes stop early with a NiftiError" + IGNORED,
  ignore: NO_PROC !== undefined,
}, async (t) => {
  await inTempDir(async (dir) => {
    await t.step(
      "an image over maxBytes (default 8 GiB) is refused before anything of it is inflated",
      async () => {
        // the image's stream is not deflate data: inflating any of it would be a gzip error instead
        const path = `${dir}/huge.nii.gz`;
        writeGzip(path, [head([3000, 3000, 1000], 2, 8), NOT_DEFLATE]);
        const r = await readInChild("read", path);
        assert.deepEqual(r.error, {
          name: "NiftiError",
          message: `${path}: shape [3000, 3000, 1000] uint8 needs 9000000000 bytes, more than maxBytes ` +
            `(${DEFAULT_MAX_BYTES}); pass a larger maxBytes to read it`,
        });
        assertPeak(r.peakRss, SMALL_PEAK, "refused read");
      },
    );
    await t.step("maxBytes counts the converted size too", async () => {
      const path = `${dir}/small.nii.gz`;
      writeGzip(path, [head([100, 100, 10], 4, 16), { zeros: 200_000 }]);
      await assert.rejects(readNifti(path, { maxBytes: 100_000 }), {
        name: "NiftiError",
        message: `${path}: shape [100, 100, 10] int16 needs 200000 bytes, more than maxBytes (100000); ` +
          "pass a larger maxBytes to read it",
      });
      await assert.rejects(readNifti(path, { maxBytes: 300_000, dtype: "float64" }), {
        message: `${path}: shape [100, 100, 10] int16 as float64 needs 800000 bytes, more than maxBytes ` +
          "(300000); pass a larger maxBytes to read it",
      });
      assert.equal((await readNifti(path, { maxBytes: 200_000 })).data.length, 100_000);
      assert.equal((await readNifti(path, { maxBytes: Infinity })).data.length, 100_000);
    });
    await t.step("a stream going on past the image (5 GB more) is not inflated further", async () => {
      // past the image: 5 GB of zeros, then bytes that are not deflate data (never reached)
      const image = seededBytes(64 * 64, 61);
      const path = `${dir}/bomb.nii.gz`;
      writeGzip(path, [head([64, 64], 2, 8), image, { zeros: 5e9 }, NOT_DEFLATE]);
      const r = await readInChild("read", path);
      assert.equal(r.error, undefined, r.error?.message);
      assert.equal(r.dataCrc, crcOf([image]));
      assertPeak(r.peakRss, SMALL_PEAK, "bomb after the image");
      assert.ok(r.seconds < 2, `${r.seconds} s`);
    });
    await t.step("dims the stream could never inflate to are counted through a small buffer", async () => {
      // 4.2 GB declared (under maxBytes), 10 MB of zeros in a 10 kB stream: at most ~10 MB inflate
      const path = `${dir}/short.nii.gz`;
      writeGzip(path, [head([2048, 2048, 1000], 2, 8), { zeros: 10_000_000 }]);
      const r = await readInChild("read", path);
      assert.deepEqual(r.error, {
        name: "NiftiError",
        message: `${path}: image data too short: shape [2048, 2048, 1000] uint8 needs 4194304000 bytes ` +
          "from vox_offset 352, file has 10000000",
      });
      assertPeak(r.peakRss, SMALL_PEAK, "forged dims");
    });
    await t.step("a pair's .hdr.gz that inflates to 5 GB is read only as far as its header", async () => {
      const hdr = encodeHeader(header([64, 64], 2, 8, { magic: "ni1", voxOffset: 0 }));
      writeGzip(`${dir}/pair.hdr.gz`, [hdr, new Uint8Array([1, 0, 0, 0]), { zeros: 5e9 }]);
      const image = seededBytes(64 * 64, 62);
      writeGzip(`${dir}/pair.img.gz`, [image]);
      for (const what of ["header", "read"] as const) {
        const r = await readInChild(what, `${dir}/pair.hdr.gz`);
        assert.equal(r.error, undefined, r.error?.message);
        if (what === "read") assert.equal(r.dataCrc, crcOf([image]));
        assertPeak(r.peakRss, SMALL_PEAK, `.hdr.gz bomb, ${what}`);
      }
    });
  });
});
