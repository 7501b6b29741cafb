import assert from "node:assert/strict";
import { needs, stepIf } from "../_skip.ts";
import { gzipSync } from "node:zlib";
import {
  decodeNifti,
  encodeHeader,
  NiftiError,
  readNifti,
  readNiftiHeader,
  type VoxelArray,
} from "../../lib/nifti/mod.ts";
import { bytesOf, DATA, HAVE_DATA, header, niftiBytes, rng } from "./_fixtures.ts";

const SHAPE = [2, 3, 4];
const N = 24;

const shared = needs(HAVE_DATA, `${DATA} (real files)`);

/** x87 80-bit extended bytes (in 16) of a float64. */
function float80Bytes(v: number): Uint8Array {
  const out = new Uint8Array(16);
  if (v === 0) return out;
  const f = new DataView(new ArrayBuffer(8));
  f.setFloat64(0, v);
  const sign = v < 0 ? 0x8000 : 0;
  const e64 = (f.getUint16(0) >> 4) & 0x7ff;
  const frac = (BigInt(f.getUint32(0) & 0xfffff) << 32n) | BigInt(f.getUint32(4));
  const mant = (1n << 63n) | (frac << 11n);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, mant, true);
  dv.setUint16(8, sign | (e64 - 1023 + 16383), true);
  return out;
}

Deno.test("readNifti decodes every datatype in both byte orders", async (t) => {
  const cases: [string, number, VoxelArray][] = [
    ["uint8", 2, new Uint8Array(N).map((_, i) => i * 10)],
    ["int8", 256, new Int8Array(N).map((_, i) => i * 5 - 60)],
    ["uint16", 512, new Uint16Array(N).map((_, i) => i * 2000)],
    ["int16", 4, new Int16Array(N).map((_, i) => i * 1000 - 12000)],
    ["uint32", 768, new Uint32Array(N).map((_, i) => i * 100000000)],
    ["int32", 8, new Int32Array(N).map((_, i) => i * 80000000 - 900000000)],
    ["int64", 1024, new BigInt64Array(N).map((_, i) => BigInt(i) * 10n ** 15n - 7n)],
    ["uint64", 1280, new BigUint64Array(N).map((_, i) => BigInt(i) * 10n ** 17n)],
    ["float32", 16, new Float32Array(N).map((_, i) => Math.sin(i) * 1e5)],
    ["float64", 64, new Float64Array(N).map((_, i) => Math.cos(i) * 1e-3)],
  ];
  for (const [name, code, data] of cases) {
    for (const littleEndian of [true, false]) {
      await t.step(`${name} ${littleEndian ? "little" : "big"}-endian`, () => {
        const width = data.BYTES_PER_ELEMENT;
        const bytes = niftiBytes(header(SHAPE, code, width * 8, { littleEndian }), bytesOf(data), width);
        const vol = decodeNifti(bytes);
        assert.equal(vol.datatype, name);
        assert.deepEqual(vol.shape, SHAPE);
        assert.deepEqual(vol.data, data);
        assert.equal(vol.header!.littleEndian, littleEndian);
      });
    }
  }
  await t.step("rgb24 and rgba32 keep interleaved channels", () => {
    for (const [name, code, ch] of [["rgb24", 128, 3], ["rgba32", 2304, 4]] as const) {
      const data = new Uint8Array(N * ch).map((_, i) => i);
      const vol = decodeNifti(niftiBytes(header(SHAPE, code, ch * 8, { sclSlope: 2 }), data));
      assert.equal(vol.datatype, name);
      assert.equal(vol.channels, ch);
      assert.deepEqual(vol.data, data);
    }
  });
  await t.step("complex: typed error unless magnitude is asked for", () => {
    for (
      const [name, code, Ctor] of [["complex64", 32, Float32Array], [
        "complex128",
        1792,
        Float64Array,
      ]] as const
    ) {
      const z = new Ctor(N * 2).map((_, i) => (i % 2 ? 4 : 3) * (i >> 1));
      for (const littleEndian of [true, false]) {
        const bytes = niftiBytes(
          header(SHAPE, code, Ctor.BYTES_PER_ELEMENT * 16, { littleEndian }),
          bytesOf(z),
          Ctor.BYTES_PER_ELEMENT,
        );
        assert.throws(() => decodeNifti(bytes, { name: "c.nii" }), {
          name: "NiftiError",
          message: `c.nii: ${name} data: read with { complex: "magnitude" } to get |z|`,
        });
        const vol = decodeNifti(bytes, { complex: "magnitude" });
        assert.ok(vol.data instanceof Ctor);
        assert.deepEqual(Array.from(vol.data as Float64Array), Array.from({ length: N }, (_, i) => 5 * i));
      }
    }
  });
  await t.step("float128 (x87 extended) becomes float64", () => {
    const values = [0, 1.5, -2, 1e-300, 123456789.123, -1e300];
    const image = new Uint8Array(16 * values.length);
    values.forEach((v, i) => image.set(float80Bytes(v), 16 * i));
    for (const littleEndian of [true, false]) {
      const vol = decodeNifti(niftiBytes(header([6], 1536, 128, { littleEndian }), image, 16));
      assert.equal(vol.datatype, "float64");
      assert.deepEqual(Array.from(vol.data as Float64Array), values);
    }
    const z = new Uint8Array(32 * 2);
    z.set(float80Bytes(3), 0);
    z.set(float80Bytes(-4), 16);
    z.set(float80Bytes(0.5), 32);
    const vol = decodeNifti(niftiBytes(header([2], 2048, 256), z), { complex: "magnitude" });
    assert.deepEqual(Array.from(vol.data as Float64Array), [5, 0.5]);
  });
  await t.step("up to 7 dimensions, 1 too", () => {
    const shape7 = [2, 1, 3, 1, 2, 1, 2];
    const data = new Int16Array(24).map((_, i) => i);
    const vol = decodeNifti(
      niftiBytes(header(shape7, 4, 16, { pixdim: [1, 2, 3, 4, 5, 6, 7, 8] }), bytesOf(data)),
    );
    assert.deepEqual(vol.shape, shape7);
    assert.deepEqual(vol.pixdim, [2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(vol.data, data);
    const v1 = decodeNifti(niftiBytes(header([24], 4, 16), bytesOf(data)));
    assert.deepEqual(v1.shape, [24]);
  });
});

Deno.test("scl_slope/scl_inter scaling follows nibabel", async (t) => {
  const raw = new Int16Array(N).map((_, i) => i - 5);
  const read = (sclSlope: number, sclInter: number, opts = {}, code = 4, data: ArrayBufferView = raw) =>
    decodeNifti(niftiBytes(header(SHAPE, code, 16, { sclSlope, sclInter }), bytesOf(data)), {
      name: "s.nii",
      ...opts,
    });
  await t.step("slope 2, inter 1 → float32 values raw·2 + 1", () => {
    const vol = read(2, 1);
    assert.equal(vol.datatype, "float32");
    assert.deepEqual(Array.from(vol.data as Float32Array), Array.from(raw, (v) => v * 2 + 1));
    assert.deepEqual(vol.scaling, { slope: 2, inter: 1 });
  });
  await t.step("slope 0, NaN or inf → stored values, no scaling (inter ignored)", () => {
    for (const slope of [0, NaN, Infinity, -Infinity]) {
      const vol = read(slope, 7);
      assert.equal(vol.datatype, "int16");
      assert.deepEqual(vol.data, raw);
      assert.equal(vol.scaling, undefined);
    }
  });
  await t.step("slope 1, inter 0 keeps the stored type; slope 1, inter 5 scales", () => {
    assert.equal(read(1, 0).datatype, "int16");
    assert.deepEqual(Array.from(read(1, 5).data as Float32Array), Array.from(raw, (v) => v + 5));
  });
  await t.step("a valid slope with a NaN intercept is an error, as in nibabel", () => {
    assert.throws(() => read(2, NaN), {
      name: "NiftiError",
      message: "s.nii: scl_slope 2 with invalid scl_inter NaN",
    });
  });
  await t.step("values float32 cannot hold come out in float64, as nibabel gives them", () => {
    // nibabel 5.0 get_fdata() of int16 [-32768, -5, 0, 1, 32767] with scl_slope 1e38 (stored as float32)
    const nibabel = [
      -3.276799895236016e+42,
      -4.999999840142846e+38,
      0,
      9.999999680285692e+37,
      3.276699895239213e+42,
    ];
    const random = rng(38);
    const ints = new Int16Array(N).map((_, i) =>
      i < 5 ? [-32768, -5, 0, 1, 32767][i] : random() * 65536 - 32768
    );
    const vol = read(1e38, 0, {}, 4, ints);
    assert.equal(vol.datatype, "float64");
    assert.deepEqual(Array.from(vol.data.subarray(0, 5) as Float64Array), nibabel);
    assert.deepEqual(Array.from(vol.data as Float64Array), Array.from(ints, (v) => v * Math.fround(1e38)));
    // nibabel's rule is the type's range, not the values: uint8 255 · 1e37 + 0.5 overflows float32
    const u8 = new Uint8Array(N).map((_, i) => [0, 1, 255][i % 3]);
    const bytes = (h: Parameters<typeof header>[3], data: Uint8Array) =>
      decodeNifti(niftiBytes(header(SHAPE, 2, 8, h), data));
    const v8 = bytes({ sclSlope: 1e37, sclInter: 0.5 }, u8);
    assert.equal(v8.datatype, "float64");
    assert.deepEqual(Array.from(v8.data.subarray(0, 3) as Float64Array), [
      0.5,
      9.999999933815813e+36,
      2.5499999831230322e+39,
    ]);
    assert.equal(bytes({ sclSlope: 1e36, sclInter: 0 }, u8).datatype, "float32"); // 2.55e38 fits
    // float32 data: float64 only when a value overflows
    const f32 = (values: number[], slope: number) =>
      decodeNifti(
        niftiBytes(header([values.length], 16, 32, { sclSlope: slope }), bytesOf(new Float32Array(values))),
      );
    const big = f32([1, -2, 3e38], 2);
    assert.equal(big.datatype, "float64");
    assert.deepEqual(Array.from(big.data as Float64Array), [2, -4, 6.0000000109955115e+38]);
    assert.equal(f32([1, -2, 1e38, Infinity], 2).datatype, "float32"); // stored inf stays inf
    // the same from big-endian bytes, a misaligned vox_offset and a gzip stream
    const values = new Float32Array([1, -2, 3e38]);
    const be = niftiBytes(header([3], 16, 32, { sclSlope: 2, littleEndian: false }), bytesOf(values), 4);
    const odd = new Uint8Array([
      ...encodeHeader(header([3], 16, 32, { sclSlope: 2, voxOffset: 354 })),
      ...new Uint8Array(6),
      ...bytesOf(values),
    ]);
    for (const b of [be, odd, gzipSync(odd)]) {
      const v = decodeNifti(b);
      assert.equal(v.datatype, "float64");
      assert.deepEqual(Array.from(v.data as Float64Array), [2, -4, 6.0000000109955115e+38]);
    }
    // asking for float32 gives inf, like nibabel's get_fdata(dtype=np.float32)
    const as32 = read(1e38, 0, { dtype: "float32" }, 4, ints);
    assert.deepEqual(Array.from(as32.data.subarray(0, 3) as Float32Array), [-Infinity, -Infinity, 0]);
  });
  await t.step("float64 data scale in float64; dtype and scale options", () => {
    const f64 = new Float64Array(N).map((_, i) => i / 3);
    const vol = read(3, 0, {}, 64, f64);
    assert.equal(vol.datatype, "float64");
    assert.deepEqual(Array.from(vol.data as Float64Array), Array.from(f64, (v) => v * 3));
    assert.equal(read(2, 1, { dtype: "float64" }).datatype, "float64");
    assert.equal(read(0, 0, { dtype: "float32" }).datatype, "float32");
    assert.deepEqual(read(2, 1, { scale: false }).data, raw);
  });
});

Deno.test("images larger than a conversion step convert the same in every piece", async (t) => {
  // 601 × 499 voxels: several 256 KiB steps for every type, and a short last one
  const shape = [601, 499];
  const n = 601 * 499;
  const random = rng(2024);
  const cases: [string, number, ArrayBufferView, number][] = [
    ["int16", 4, new Int16Array(n).map(() => random() * 65536 - 32768), 2],
    ["uint8", 2, new Uint8Array(n).map(() => random() * 256), 1],
    ["float64", 64, new Float64Array(n).map(() => random() * 2e6 - 1e6), 8],
    ["complex64", 32, new Float32Array(2 * n).map(() => random() * 200 - 100), 4],
  ];
  for (const [name, code, data, width] of cases) {
    for (const littleEndian of [true, false]) {
      await t.step(
        `${name}, ${littleEndian ? "little" : "big"}-endian, at an odd vox_offset, plain and gzip`,
        () => {
          const h = header(shape, code, name === "complex64" ? 64 : width * 8, {
            littleEndian,
            sclSlope: 0.5,
            sclInter: -3,
          });
          const image = bytesOf(data);
          if (!littleEndian && width > 1) {
            for (let i = 0; i < image.length; i += width) image.subarray(i, i + width).reverse();
          }
          // vox_offset 353: every stored element is misaligned in memory
          const bytes = new Uint8Array([...encodeHeader({ ...h, voxOffset: 353 }), 0, 0, 0, 0, 0, ...image]);
          const values = data as unknown as ArrayLike<number>;
          const expected = name === "complex64"
            ? Array.from(
              { length: n },
              (_, i) => Math.hypot(values[2 * i] * 0.5 - 3, values[2 * i + 1] * 0.5),
            )
            : Array.from(values, (v) => v * 0.5 - 3);
          for (const b of [bytes, gzipSync(bytes)]) {
            const vol = decodeNifti(b, { dtype: "float64", complex: "magnitude" });
            assert.equal(vol.data.length, n);
            const got = vol.data as Float64Array;
            for (let i = 0; i < n; i++) {
              if (Math.abs(got[i] - expected[i]) > 1e-9 * Math.max(1, Math.abs(expected[i]))) {
                assert.fail(`voxel ${i}: ${got[i]} vs ${expected[i]}`);
              }
            }
          }
        },
      );
    }
  }
});

Deno.test("the affine is nibabel's choice: sform, then qform, then pixdim", async (t) => {
  const data = new Uint8Array(N);
  const read = (over: Parameters<typeof header>[3]) =>
    decodeNifti(niftiBytes(header(SHAPE, 2, 8, over), data)).affine;
  const sform = [[2, 0, 0, -10], [0, 3, 0, -20], [0, 0, 4, -30], [0, 0, 0, 1]];
  await t.step("sform when sform_code ≠ 0", () => {
    assert.deepEqual(read({ sformCode: 4, qformCode: 1, quaternB: 1 }), sform);
  });
  await t.step("qform when only qform_code ≠ 0 (180° about x, qfac −1)", () => {
    const a = read({
      sformCode: 0,
      qformCode: 1,
      quaternB: 1,
      pixdim: [-1, 2, 3, 4, 1, 1, 1, 1],
      qoffsetX: 5,
    });
    const noNegativeZero = a.map((r) => r.map((v) => v + 0));
    assert.deepEqual(noNegativeZero, [[2, 0, 0, 5], [0, -3, 0, 0], [0, 0, 4, 0], [0, 0, 0, 1]]);
  });
  await t.step("pixdim fall-back (x flipped, centred) when both codes are 0", () => {
    assert.deepEqual(read({ sformCode: 0, qformCode: 0 }), [[-2, 0, 0, 1], [0, 3, 0, -3], [0, 0, 4, -6], [
      0,
      0,
      0,
      1,
    ]]);
  });
  await t.step("invalid codes count as 0; zero and negative pixdims are fixed", () => {
    assert.deepEqual(
      read({ sformCode: 9, qformCode: -2, pixdim: [7, 0, -3, 4, 1, 1, 1, 1] }),
      [[-1, 0, 0, 0.5], [0, 3, 0, -3], [0, 0, 4, -6], [0, 0, 0, 1]],
    );
  });
  await t.step("a quaternion with b²+c²+d² > 1 is an error when the qform is used", () => {
    assert.throws(
      () => decodeNifti(niftiBytes(header(SHAPE, 2, 8, { sformCode: 0, qformCode: 1, quaternB: 1.1 }), data)),
      {
        name: "NiftiError",
        message: /<bytes>: invalid qform quaternion/,
      },
    );
  });
});

Deno.test("bad input gives a NiftiError naming the file and the problem", async (t) => {
  const good = niftiBytes(header(SHAPE, 4, 16), new Uint8Array(N * 2));
  await stepIf(t, shared, "not NIfTI", async () => {
    await assert.rejects(readNifti(`${DATA}nifti/not-nifti.nii`), {
      name: "NiftiError",
      message: /not-nifti\.nii: not a NIfTI file \(sizeof_hdr is neither 348 nor 540\)$/,
    });
    const bad = good.slice();
    bad[345] = 0x3f; // magic "n?1"
    assert.throws(() => decodeNifti(bad, { name: "m.nii" }), {
      message: 'm.nii: not a NIfTI file (bad magic "n?1" for NIfTI-1)',
    });
  });
  await t.step("file not found", async () => {
    await assert.rejects(readNifti("/nonexistent/x.nii"), {
      name: "NiftiError",
      message: "/nonexistent/x.nii: file not found",
    });
  });
  const dir = await Deno.makeTempDir();
  try {
    await t.step("a directory is named, not read (also as a pair's image)", async () => {
      for (const path of [dir, `${dir}/`]) {
        await assert.rejects(readNifti(path), {
          name: "NiftiError",
          message: `${path}: is a directory, not a NIfTI file`,
        });
        await assert.rejects(readNiftiHeader(path), { message: `${path}: is a directory, not a NIfTI file` });
      }
      await Deno.writeFile(`${dir}/p.hdr`, encodeHeader(header(SHAPE, 4, 16, { magic: "ni1" })));
      await Deno.mkdir(`${dir}/p.img`);
      await assert.rejects(readNifti(`${dir}/p.hdr`), {
        message: `${dir}/p.img: is a directory, not a NIfTI file`,
      });
    });
    const unix = Deno.build.os !== "windows";
    await t.step({
      name: "a device is named, not read" + (unix ? "" : " [ignored: no /dev/null here]"),
      ignore: !unix,
      fn: async () => {
        await assert.rejects(readNifti("/dev/null"), { message: "/dev/null: is a device, not a NIfTI file" });
      },
    });
    const fifo = `${dir}/fifo.nii`;
    const made = unix &&
      (await new Deno.Command("mkfifo", { args: [fifo] }).output().catch(() => null))?.success;
    await t.step({
      name: "a FIFO is named, not opened (opening would wait for a writer)" +
        (made ? "" : " [ignored: mkfifo is absent]"),
      ignore: !made,
      fn: async () => {
        await assert.rejects(readNifti(fifo), { message: `${fifo}: is a FIFO, not a NIfTI file` });
      },
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  await t.step("header extensions over maxBytes", () => {
    // one comment extension of 1000 payload bytes before the image
    const ext = new Uint8Array(4 + 1008);
    const view = new DataView(ext.buffer);
    ext[0] = 1;
    view.setInt32(4, 1008, true);
    view.setInt32(8, 6, true);
    ext.fill(65, 12);
    const hdr = encodeHeader(header(SHAPE, 4, 16, { voxOffset: 348 + ext.length }));
    const bytes = new Uint8Array([...hdr, ...ext, ...new Uint8Array(N * 2)]);
    assert.equal(decodeNifti(bytes).extensions![0].data.length, 1000);
    assert.throws(() => decodeNifti(bytes, { name: "e.nii", maxBytes: 999 }), {
      name: "NiftiError",
      message: "e.nii: header extensions hold more than maxBytes (999 bytes)",
    });
  });
  await t.step("truncated file: header, then data", () => {
    assert.throws(() => decodeNifti(good.subarray(0, 200), { name: "t.nii" }), {
      message: "t.nii: file too short for a NIfTI-1 header (200 of 348 bytes)",
    });
    assert.throws(() => decodeNifti(good.subarray(0, 380), { name: "t.nii" }), {
      message:
        "t.nii: image data too short: shape [2, 3, 4] int16 needs 48 bytes from vox_offset 352, file has 28",
    });
  });
  await stepIf(t, shared, "truncated real file and truncated gzip stream", async () => {
    const anat = await Deno.readFile(`${DATA}nifti/nibabel_anatomical.nii`);
    assert.throws(() => decodeNifti(anat.subarray(0, 30000), { name: "anat.nii" }), {
      message: /^anat\.nii: image data too short: shape \[33, 41, 25\] int16 needs 67650 bytes/,
    });
    const gz = await Deno.readFile(`${DATA}nifti/nibabel_example4d.nii.gz`);
    const dir = await Deno.makeTempDir();
    try {
      for (const cut of [gz.length - 3, gz.length >> 1, 30]) {
        const path = `${dir}/cut.nii.gz`;
        await Deno.writeFile(path, gz.subarray(0, cut));
        await assert.rejects(readNifti(path), {
          name: "NiftiError",
          message: `${path}: corrupt or truncated gzip stream (unexpected end of file)`,
        });
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
  await t.step("dims that disagree with the data length", () => {
    const bytes = niftiBytes(header([2, 3, 5], 4, 16), new Uint8Array(N * 2));
    assert.throws(() => decodeNifti(bytes, { name: "d.nii" }), {
      message:
        "d.nii: image data too short: shape [2, 3, 5] int16 needs 60 bytes from vox_offset 352, file has 48",
    });
    for (
      const [dim, msg] of [
        [[0, 2, 3, 4, 1, 1, 1, 1], "dim[0] = 0 is outside 1..7"],
        [[8, 2, 3, 4, 1, 1, 1, 1], "dim[0] = 8 is outside 1..7"],
        [[3, 2, -3, 4, 1, 1, 1, 1], "dim[2] = -3 is not a positive size"],
        [[3, 2, 0, 4, 1, 1, 1, 1], "dim[2] = 0 is not a positive size"],
      ] as const
    ) {
      const b = niftiBytes({ ...header(SHAPE, 4, 16), dim: dim.slice() }, new Uint8Array(N * 2));
      assert.throws(() => decodeNifti(b, { name: "d.nii" }), { message: `d.nii: ${msg}` });
    }
  });
  await t.step("unknown or unsupported datatype", () => {
    for (
      const [code, what] of [[0, "0 is unknown"], [3, "3 is unknown"], [
        1,
        "1 (binary) is not supported",
      ]] as const
    ) {
      const b = niftiBytes(header(SHAPE, code, 8), new Uint8Array(N * 2));
      assert.throws(() => decodeNifti(b, { name: "u.nii" }), {
        name: "NiftiError",
        message: `u.nii: datatype ${what}`,
      });
    }
  });
  await t.step("vox_offset past the end, inside the header, or not finite", () => {
    const b = good.slice();
    const view = new DataView(b.buffer);
    view.setFloat32(108, 100000, true);
    assert.throws(() => decodeNifti(b, { name: "v.nii" }), {
      message: `v.nii: vox_offset 100000 is past the end of the file (${b.length} bytes)`,
    });
    view.setFloat32(108, 100, true);
    assert.throws(() => decodeNifti(b, { name: "v.nii" }), {
      message: "v.nii: vox_offset 100 is inside the header (single-file minimum 352)",
    });
    view.setFloat32(108, NaN, true);
    assert.throws(() => decodeNifti(b, { name: "v.nii" }), { message: "v.nii: invalid vox_offset NaN" });
  });
  await t.step("pair header given as bytes", () => {
    const pairHeader = niftiBytes(header(SHAPE, 4, 16, { magic: "ni1" }), new Uint8Array(N * 2));
    assert.throws(() => decodeNifti(pairHeader), {
      message: '<bytes>: header magic "ni1" is for a .hdr/.img pair: read it by its .hdr path',
    });
  });
  await t.step("errors are NiftiError instances with file and reason", () => {
    try {
      decodeNifti(new Uint8Array(10), { name: "z.nii" });
      assert.fail("no error");
    } catch (e) {
      assert.ok(e instanceof NiftiError);
      assert.equal(e.file, "z.nii");
      assert.equal(e.reason, "not a NIfTI file (sizeof_hdr is neither 348 nor 540)");
    }
  });
});

Deno.test(
  { name: "paths, pairs, bytes, units and extensions" + shared.label, ignore: shared.ignore },
  async (t) => {
    await t.step("a pair reads the same from its .hdr or its .img", async () => {
      const a = await readNifti(`${DATA}nifti/air.hdr.gz`);
      const b = await readNifti(`${DATA}nifti/air.img.gz`);
      assert.deepEqual(a.data, b.data);
      assert.deepEqual(a.affine, b.affine);
      const c = await readNifti(`${DATA}nifti/niivue_ras.img`);
      assert.deepEqual(c.shape, [62, 41, 34]);
    });
    await t.step("bytes (gzipped or not) read like the path, without aliasing the input", async () => {
      const path = `${DATA}nifti/nibabel_anatomical.nii`;
      const bytes = await Deno.readFile(path);
      const a = await readNifti(path);
      const b = await readNifti(bytes);
      const c = decodeNifti(gzipSync(bytes));
      assert.deepEqual(b.data, a.data);
      assert.deepEqual(c.data, a.data);
      assert.notEqual(b.data.buffer, bytes.buffer);
    });
    await t.step("units and extensions as nibabel reports them", async () => {
      const v = await readNifti(`${DATA}nifti/nibabel_example4d.nii.gz`);
      assert.deepEqual(v.units, { spatial: "mm", temporal: "sec" });
      assert.deepEqual(v.extensions!.map((e) => [e.code, e.label, e.data.length]), [[6, "comment", 11], [
        6,
        "comment",
        15,
      ]]);
      const w = await readNifti(`${DATA}nifti/with_extension.nii.gz`);
      assert.deepEqual(w.extensions!.map((e) => [e.code, e.data.length]), [[0, 365]]);
      assert.deepEqual(w.units, { spatial: "mm", temporal: "unknown" });
      assert.equal(w.header!.descrip, "Mango ROI   ");
    });
  },
);

Deno.test("readNiftiHeader gives the geometry without the voxels", async (t) => {
  await t.step("from bytes, complex included", async () => {
    const bytes = niftiBytes(header(SHAPE, 32, 64, { sclSlope: 2 }), new Uint8Array(N * 8));
    const info = await readNiftiHeader(bytes);
    assert.deepEqual(info.shape, SHAPE);
    assert.equal(info.datatype, "complex64");
    assert.deepEqual(info.scaling, { slope: 2, inter: 0 });
    assert.deepEqual(info.affine, [[2, 0, 0, -10], [0, 3, 0, -20], [0, 0, 4, -30], [0, 0, 0, 1]]);
    // the header alone is enough: the image may be missing
    const info2 = await readNiftiHeader(bytes.subarray(0, 352));
    assert.deepEqual(info2.shape, SHAPE);
    await assert.rejects(readNiftiHeader(bytes.subarray(0, 100), { name: "h.nii" }), {
      name: "NiftiError",
      message: "h.nii: file too short for a NIfTI-1 header (100 of 348 bytes)",
    });
  });
  await stepIf(t, shared, "from paths, same as readNifti", async () => {
    for (
      const name of [
        "nifti/nibabel_example4d.nii.gz",
        "nifti/air.hdr.gz",
        "nifti/niivue_ras.hdr",
        "dwi/small_64D.nii",
      ]
    ) {
      const info = await readNiftiHeader(`${DATA}${name}`);
      const vol = await readNifti(`${DATA}${name}`);
      assert.deepEqual(info.shape, vol.shape);
      assert.deepEqual(info.affine, vol.affine);
      assert.deepEqual(info.extensions, vol.extensions);
      assert.equal(info.datatype, vol.header!.datatype === 4 ? "int16" : info.datatype);
    }
  });
});
