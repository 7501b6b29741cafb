import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { gzipSync } from "node:zlib";
import {
  allocArray,
  Backoff,
  enableMemoryTuning,
  expectArray,
  HUGE_MIN_BYTES,
  memoryStats,
  memoryTuningEnabled,
  MISSES_BEFORE_PAUSE,
  PAUSE_CALLS,
} from "../../lib/nifti/_alloc.ts";
import { decodeNifti, encodeNifti, readNifti, volumeFrom, type VoxelArray } from "../../lib/nifti/mod.ts";
import { bytesOf, header, niftiBytes, rng } from "./_fixtures.ts";

/** Image shape for an output of at least 2 MiB at `bytesPerVoxel` (so that it takes the tuned path). */
function shapeFor(bytesPerVoxel: number): number[] {
  return [64, 64, Math.ceil(HUGE_MIN_BYTES / bytesPerVoxel / 4096) + 1];
}
const SHAPE = shapeFor(4);
const COUNT = SHAPE[0] * SHAPE[1] * SHAPE[2];

// Off until asked for: a reader must not retune its host's allocator on its own (checked before enabling).
const OFF_BY_DEFAULT = !memoryTuningEnabled() && memoryStats().arrays === 0;
const TUNED = enableMemoryTuning();
if (!TUNED) {
  console.log("NOTE: memory tuning unavailable here (no FFI, not Linux/glibc); testing plain arrays only");
}

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

Deno.test("allocArray: large arrays are plain, zeroed, independent, and reuse dropped memory", async (t) => {
  await t.step("every type: zeroed, right length, plain", () => {
    for (const Ctor of [Uint8Array, Int16Array, Float32Array, Float64Array, BigInt64Array] as const) {
      const length = Math.ceil(HUGE_MIN_BYTES / Ctor.BYTES_PER_ELEMENT) + 7;
      const a = allocArray(Ctor as unknown as Float32ArrayConstructor, length);
      assert.equal(a.length, length);
      assert.equal(a.byteLength, length * Ctor.BYTES_PER_ELEMENT);
      assert.ok(isPlain(a), `${Ctor.name} is a view`);
      assert.ok(viewBytes(a).every((x) => x === 0), `${Ctor.name} not zeroed`);
    }
    assert.ok(isPlain(allocArray(Float32Array, HUGE_MIN_BYTES / 4 - 1)));
    assert.ok(isPlain(allocArray(Float32Array, HUGE_MIN_BYTES, false)));
  });
  await t.step("arrays are independent: writing one never shows in another", () => {
    const a = allocArray(Float32Array, HUGE_MIN_BYTES / 4 + 1);
    const b = allocArray(Float32Array, HUGE_MIN_BYTES / 4 + 1);
    a.fill(1.5);
    assert.equal(b[0], 0);
    assert.equal(b[b.length - 1], 0);
    assert.notEqual(a.buffer, b.buffer);
  });
  await t.step("a loop that drops its volumes gets right values on reused memory", () => {
    // values must be right whatever memory a read lands on (a reused block held the last read's -1s)
    const stored = storedValues("int16", 1, 1 << 20) as Int16Array;
    const bytes = gzipSync(niftiBytes(header([128, 128, 64], 4, 16), bytesOf(stored), 2));
    for (let i = 0; i < 8; i++) {
      const v = decodeNifti(bytes, { dtype: "float32" });
      for (let j = 0; j < stored.length; j += 4099) assert.equal(v.data[j], stored[j]);
      (v.data as Float32Array).fill(-1);
    }
  });
  await t.step(
    "readNifti is a plain reader until the program enables the tuning (fresh process)",
    async () => {
      const stored = storedValues("int16", 1, 1 << 20) as Int16Array;
      const bytes = gzipSync(niftiBytes(header([128, 128, 64], 4, 16), bytesOf(stored), 2));
      const script = `
      import { decodeNifti } from ${JSON.stringify(new URL("../../lib/nifti/mod.ts", import.meta.url).href)};
      import { memoryStats } from ${
        JSON.stringify(new URL("../../lib/nifti/_alloc.ts", import.meta.url).href)
      };
      const bytes = await Deno.readFile(Deno.args[0]);
      for (let i = 0; i < 4; i++) decodeNifti(bytes, { dtype: "float32" });
      console.log(JSON.stringify(memoryStats()));`;
      const path = await Deno.makeTempFile({ suffix: ".nii.gz" });
      try {
        await Deno.writeFile(path, bytes);
        const out = await new Deno.Command(Deno.execPath(), {
          args: ["eval", "--no-config", "--allow-read", "--allow-ffi", "--allow-env", script, path],
          stdout: "piped",
        }).output();
        // How much memory the tuned path reuses depends on V8's collection timing: bench/nifti_bench.ts
        // reports it; here only that nothing happened without the opt-in.
        assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), {
          arrays: 0,
          reused: 0,
          collections: 0,
        });
      } finally {
        await Deno.remove(path);
      }
      assert.ok(OFF_BY_DEFAULT, "this runtime had tuned arrays before enableMemoryTuning");
    },
  );
  await t.step("the back-off pauses after a run of misses and resumes (closed form)", () => {
    const b = new Backoff();
    const prompts: boolean[] = [];
    // a caller that keeps every volume: no array ever reuses a recent block
    for (let i = 0; i < 200; i++) {
      prompts.push(b.shouldPrompt());
      b.observe(false);
    }
    // prompts for the first 8 arrays, then a pause of 64 calls, then 8 more tries, and so on
    const period = MISSES_BEFORE_PAUSE + PAUSE_CALLS;
    for (let i = 0; i < 200; i++) assert.equal(prompts[i], i % period < MISSES_BEFORE_PAUSE, `call ${i}`);
    // a caller that drops its volumes: every array reuses, prompting never pauses
    const c = new Backoff();
    for (let i = 0; i < 200; i++) {
      assert.ok(c.shouldPrompt(), `reusing caller paused at ${i}`);
      c.observe(i % 3 !== 0); // even a miss now and then never adds up to a run
    }
  });
  await t.step("a caller that keeps its arrays gets correct, independent arrays", () => {
    const kept: Float32Array[] = [];
    const n = (4 << 20) / 4;
    for (let i = 0; i < 24; i++) {
      expectArray(n * 4);
      const a = allocArray(Float32Array, n);
      assert.ok(a[0] === 0 && a[n - 1] === 0, `array ${i} not zeroed`);
      a.fill(i);
      kept.push(a);
    }
    kept.forEach((a, i) => assert.ok(a[0] === i && a[n - 1] === i, `array ${i} overwritten`));
  });
  await t.step({
    name: "CAM_MALLOPT=off leaves glibc alone",
    ignore: !TUNED,
    fn: async () => {
      const code = `import { tuneMalloc } from ${
        JSON.stringify(new URL("../../lib/nifti/_alloc.ts", import.meta.url).href)
      };
      console.log(tuneMalloc());`;
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["eval", "--no-config", code],
        env: { CAM_MALLOPT: "off" },
        stdout: "piped",
      }).output();
      assert.equal(new TextDecoder().decode(out.stdout).trim(), "false");
    },
  });
});

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

Deno.test("readNifti: the tuned path gives the same data as the plain path", async (t) => {
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
          const huge = decodeNifti(bytes, { ...opts, hugePages: true });
          const plain = decodeNifti(bytes, { ...opts, hugePages: false });
          assertSameArray(huge.data, plain.data, `${name} ${dtype}`);
          assert.equal(huge.datatype, plain.datatype);
          assert.ok(isPlain(plain.data) && isPlain(huge.data), `${name} ${dtype}: data is a view`);
          if (dtype === "auto" && !complex) assertSameArray(plain.data, stored, `${name} stored values`);
        }
      });
    }
  }
  await t.step("scaled int16 (slope 0.5, inter -3) in float32 and float64", () => {
    const stored = storedValues("int16", 1) as Int16Array;
    const bytes = niftiBytes(header(SHAPE, 4, 16, { sclSlope: 0.5, sclInter: -3 }), bytesOf(stored), 2);
    for (const dtype of ["auto", "float32", "float64"] as const) {
      const huge = decodeNifti(bytes, { dtype });
      const plain = decodeNifti(bytes, { dtype, hugePages: false });
      assertSameArray(huge.data, plain.data, `scaled ${dtype}`);
      assert.equal(huge.data[12345], stored[12345] * 0.5 - 3);
    }
  });
  await t.step(".nii.gz from a path inflates into the view", async () => {
    const stored = storedValues("int16", 1);
    const path = await Deno.makeTempFile({ suffix: ".nii.gz" });
    try {
      await Deno.writeFile(path, gzipSync(niftiBytes(header(SHAPE, 4, 16), bytesOf(stored), 2)));
      for (const dtype of ["auto", "float32"] as const) {
        const huge = await readNifti(path, { dtype });
        const plain = await readNifti(path, { dtype, hugePages: false });
        assertSameArray(huge.data, plain.data, `gz ${dtype}`);
        assert.equal(huge.data[COUNT - 1], stored[COUNT - 1]);
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
    const again = decodeNifti(encodeNifti(vol), { hugePages: false });
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
