import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { gzipSync } from "node:zlib";
import { decodeNifti, encodeNifti, readNifti, volumeFrom, type VoxelArray } from "../../lib/nifti/mod.ts";
import { bytesOf, header, niftiBytes, rng } from "./_fixtures.ts";

/** Image shape for an output of at least 2 MiB at `bytesPerVoxel` (large images, many conversion steps). */
function shapeFor(bytesPerVoxel: number): number[] {
  return [64, 64, Math.ceil((2 << 20) / bytesPerVoxel / 4096) + 1];
}
const SHAPE = shapeFor(4);
const COUNT = SHAPE[0] * SHAPE[1] * SHAPE[2];

/** The bytes a typed array covers (its view only). */
function viewBytes(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function assertSameArray(a: VoxelArray, b: VoxelArray, what: string): void {
  assert.equal(a.constructor, b.constructor, `${what}: array type`);
  assert.equal(a.length, b.length, `${what}: length`);
  assert.ok(Buffer.from(viewBytes(a)).equals(Buffer.from(viewBytes(b))), `${what}: bytes differ`);
}

/** True when `a` is a plain array: offset 0 on a buffer of exactly its size. */
function isPlain(a: ArrayBufferView): boolean {
  return a.byteOffset === 0 && a.buffer.byteLength === a.byteLength;
}

/** Stored values of a datatype for COUNT voxels (channels interleaved), deterministic. */
function storedValues(name: string, channels: number, count = COUNT): VoxelArray {
  const r = rng(name.length * 7919 + channels);
  const n = count * channels;
  const fill = <T extends { length: number; [i: number]: number }>(a: T, f: () => number): T => {
    for (let i = 0; i < a.length; i++) a[i] = f();
    return a;
  };
  const big = <T extends BigInt64Array | BigUint64Array>(a: T, f: () => number): T => {
    for (let i = 0; i < a.length; i++) a[i] = BigInt(f());
    return a;
  };
  switch (name) {
    case "uint8":
    case "rgb24":
    case "rgba32":
      return fill(new Uint8Array(n), () => r() * 256);
    case "int8":
      return fill(new Int8Array(n), () => r() * 256 - 128);
    case "uint16":
      return fill(new Uint16Array(n), () => r() * 65536);
    case "int16":
      return fill(new Int16Array(n), () => r() * 65536 - 32768);
    case "uint32":
      return fill(new Uint32Array(n), () => r() * 2 ** 32);
    case "int32":
      return fill(new Int32Array(n), () => r() * 2 ** 32 - 2 ** 31);
    case "int64":
      return big(new BigInt64Array(n), () => Math.floor((r() - 0.5) * 2 ** 52));
    case "uint64":
      return big(new BigUint64Array(n), () => Math.floor(r() * 2 ** 52));
    case "float32":
    case "complex64":
      return fill(new Float32Array(n), () => (r() - 0.5) * 1e4);
    default: // float64, complex128
      return fill(new Float64Array(n), () => (r() - 0.5) * 1e-3);
  }
}

const TYPES: [string, number, number][] = [
  ["uint8", 2, 1],
  ["int8", 256, 1],
  ["uint16", 512, 1],
  ["int16", 4, 1],
  ["uint32", 768, 1],
  ["int32", 8, 1],
  ["int64", 1024, 1],
  ["uint64", 1280, 1],
  ["float32", 16, 1],
  ["float64", 64, 1],
  ["rgb24", 128, 3],
  ["rgba32", 2304, 4],
  ["complex64", 32, 2],
  ["complex128", 1792, 2],
];

Deno.test("large images of every datatype: stored values back, plain arrays, .nii.gz the same as .nii", async (t) => {
  for (const [name, code, channels] of TYPES) {
    const complex = name.startsWith("complex");
    const width = storedValues(name, 1, 1).BYTES_PER_ELEMENT;
    // the smallest output per voxel: stored values (rgb: all channels; complex: |z|) or float32
    const shape = shapeFor(Math.min(4, complex ? width : width * channels));
    const stored = storedValues(name, channels, shape[0] * shape[1] * shape[2]);
    for (const littleEndian of [true, false]) {
      await t.step(`${name} ${littleEndian ? "little" : "big"}-endian`, () => {
        const bytes = niftiBytes(
          header(shape, code, width * 8 * channels, { littleEndian, sclSlope: 0 }),
          bytesOf(stored),
          width,
        );
        const dtypes = littleEndian ? ["auto", "float32", "float64"] as const : ["auto"] as const;
        for (const dtype of dtypes) {
          if (channels > 1 && !complex && dtype !== "auto") continue;
          const opts = { dtype, complex: "magnitude" as const };
          const plain = decodeNifti(bytes, opts);
          const gz = decodeNifti(gzipSync(bytes), opts);
          assertSameArray(gz.data, plain.data, `${name} ${dtype}`);
          assert.equal(gz.datatype, plain.datatype);
          assert.ok(isPlain(plain.data) && isPlain(gz.data), `${name} ${dtype}: data is a view`);
          if (dtype === "auto" && !complex) assertSameArray(plain.data, stored, `${name} stored values`);
        }
      });
    }
  }
  await t.step("scaled int16 (slope 0.5, inter -3) in float32 and float64", () => {
    const stored = storedValues("int16", 1) as Int16Array;
    const bytes = niftiBytes(header(SHAPE, 4, 16, { sclSlope: 0.5, sclInter: -3 }), bytesOf(stored), 2);
    for (const dtype of ["auto", "float32", "float64"] as const) {
      const plain = decodeNifti(bytes, { dtype });
      const gz = decodeNifti(gzipSync(bytes), { dtype });
      assertSameArray(gz.data, plain.data, `scaled ${dtype}`);
      assert.equal(plain.data[12345], stored[12345] * 0.5 - 3);
    }
  });
  await t.step(".nii.gz from a path inflates into the view", async () => {
    const stored = storedValues("int16", 1);
    const path = await Deno.makeTempFile({ suffix: ".nii.gz" });
    try {
      await Deno.writeFile(path, gzipSync(niftiBytes(header(SHAPE, 4, 16), bytesOf(stored), 2)));
      for (const dtype of ["auto", "float32"] as const) {
        const fromFile = await readNifti(path, { dtype });
        const fromBytes = decodeNifti(niftiBytes(header(SHAPE, 4, 16), bytesOf(stored), 2), { dtype });
        assertSameArray(fromFile.data, fromBytes.data, `gz ${dtype}`);
        assert.equal(fromFile.data[COUNT - 1], stored[COUNT - 1]);
      }
    } finally {
      await Deno.remove(path);
    }
  });
});

Deno.test("volumes whose data is a view with a byteOffset behave like plain ones", async (t) => {
  const stored = storedValues("float32", 1) as Float32Array;
  const bytes = niftiBytes(header(SHAPE, 16, 32), bytesOf(stored), 4);
  // data as a view at byteOffset 64 in a larger buffer (as a caller's subarray would be)
  const big = new Float32Array(COUNT + 64);
  const view = big.subarray(16, 16 + COUNT);
  view.set(stored);
  const vol = volumeFrom(view, SHAPE);
  await t.step("encodeNifti writes the view, not its whole buffer", () => {
    const again = decodeNifti(encodeNifti(vol));
    assertSameArray(again.data, stored, "round-trip");
    const gz = decodeNifti(encodeNifti(vol, { gzip: true }));
    assertSameArray(gz.data, stored, "gzip round-trip");
  });
  await t.step("volumeFrom, slice and subarray see only the data", () => {
    const v = volumeFrom(vol.data, SHAPE);
    assert.equal(v.data.length, COUNT);
    const copy = (vol.data as Float32Array).slice();
    assert.equal(copy.byteOffset, 0);
    assertSameArray(copy, stored, "slice");
    const sub = (vol.data as Float32Array).subarray(10, 20);
    assert.deepEqual(Array.from(sub), Array.from(stored.subarray(10, 20)));
  });
  await t.step("each read is independent of the others", () => {
    const a = decodeNifti(bytes, { dtype: "float32" });
    const b = decodeNifti(bytes, { dtype: "float32" });
    (a.data as Float32Array).fill(0);
    assertSameArray(b.data, stored, "second read after zeroing the first");
  });
});
