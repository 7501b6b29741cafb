import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { fileSource, FINISH_LIMIT, gunzipFile, gunzipSource, memorySource } from "../../lib/nifti/_source.ts";

const DATA = new Uint8Array(300_000).map((_, i) => (i * 7919) % 251);
const GZ = new Uint8Array(gzipSync(DATA));

Deno.test("gunzipSource inflates in pieces, with or without node:zlib's handle or libdeflate", async (t) => {
  const modes = [
    { name: "incremental", incremental: true },
    { name: "gunzipSync fall-back", incremental: false },
    { name: "whole (libdeflate where available)", incremental: true, whole: true },
  ];
  for (const { name, ...options } of modes) {
    await t.step(name, () => {
      const src = gunzipSource(GZ, "d.gz", options);
      const a = new Uint8Array(1000), b = new Uint8Array(DATA.length);
      assert.equal(src.read(a), 1000);
      assert.equal(src.read(b), DATA.length - 1000);
      assert.deepEqual(a, DATA.subarray(0, 1000));
      assert.deepEqual(b.subarray(0, DATA.length - 1000), DATA.subarray(1000));
      assert.equal(src.finish(), 0);
      src.close();
      // two members back to back are one stream
      const two = new Uint8Array([...GZ, ...GZ]);
      const s2 = gunzipSource(two, "two.gz", options);
      const all = new Uint8Array(DATA.length * 2 + 10);
      assert.equal(s2.read(all), DATA.length * 2);
      s2.close();
    });
    await t.step(
      `${name}: truncated or corrupt streams are NiftiErrors`,
      () => {
        for (
          const [bytes, why] of [[GZ.subarray(0, GZ.length - 5), "unexpected end of file"], [
            GZ.map((v, i) => i === GZ.length - 6 ? v ^ 1 : v),
            "incorrect data check",
          ]] as const
        ) {
          assert.throws(() => {
            const src = gunzipSource(bytes, "bad.gz", options);
            try {
              const out = new Uint8Array(DATA.length);
              src.read(out);
              src.finish();
            } finally {
              src.close();
            }
          }, { name: "NiftiError", message: `bad.gz: corrupt or truncated gzip stream (${why})` });
        }
      },
    );
  }
  await t.step("memorySource reports exact remaining bytes", () => {
    const m = memorySource(DATA);
    assert.deepEqual(m.remaining(), { bytes: DATA.length, exact: true });
    m.read(new Uint8Array(10));
    assert.deepEqual(m.remaining(), { bytes: DATA.length - 10, exact: true });
  });
});

Deno.test("sources skip without holding, view memory, and bound what a gzip stream can still give", async (t) => {
  await t.step("skip and view on memory; skip on a file seeks", async () => {
    const m = memorySource(DATA);
    assert.equal(m.skip(10), 10);
    assert.deepEqual(m.view!(5), DATA.subarray(10, 15));
    assert.equal(m.skip(DATA.length), DATA.length - 15);
    assert.equal(m.view!(5)?.length, 0);
    const path = await Deno.makeTempFile();
    try {
      await Deno.writeFile(path, DATA);
      using file = await Deno.open(path);
      const f = fileSource(file, path);
      assert.equal(f.skip(299_000), 299_000);
      const out = new Uint8Array(2000);
      assert.equal(f.read(out), 1000);
      assert.deepEqual(out.subarray(0, 1000), DATA.subarray(299_000));
      assert.equal(f.skip(5), 0);
      assert.equal(f.view, undefined);
    } finally {
      await Deno.remove(path);
    }
  });
  await t.step("a gzip stream skips through a small buffer and bounds its remaining bytes at 1032:1", () => {
    const g = gunzipSource(GZ, "d.gz");
    const bound = g.remaining();
    assert.equal(bound.exact, false);
    assert.ok(bound.bytes >= DATA.length && bound.bytes <= (GZ.length + 16) * 1032 + 1024);
    assert.equal(g.skip(123_456), 123_456);
    const out = new Uint8Array(10);
    g.read(out);
    assert.deepEqual(out, DATA.subarray(123_456, 123_466));
    assert.equal(g.view?.(10) ?? null, null);
    assert.equal(g.skip(Infinity), DATA.length - 123_466);
    assert.deepEqual(g.remaining(), { bytes: 0, exact: true });
    g.close();
  });
  await t.step("finish inflates at most FINISH_LIMIT past where the reader stopped", () => {
    // 8 MiB of zeros after 1000 bytes: finish stops, no CRC error from the corrupt trailer
    const long = new Uint8Array(gzipSync(new Uint8Array(8 * 1024 * 1024)));
    long[long.length - 5] ^= 1;
    const g = gunzipSource(long, "long.gz");
    g.read(new Uint8Array(1000));
    assert.equal(g.finish(), FINISH_LIMIT);
    g.close();
  });
});

Deno.test("gunzipFile streams a gzip file through a small buffer", async (t) => {
  const path = await Deno.makeTempFile({ suffix: ".gz" });
  const write = (bytes: Uint8Array) => Deno.writeFileSync(path, bytes);
  const readAll = (whole: boolean, size: number) => {
    using file = Deno.openSync(path);
    const src = gunzipFile(file, path, { whole });
    try {
      const out = new Uint8Array(size);
      const got = src.read(out);
      src.finish();
      return out.subarray(0, got);
    } finally {
      src.close();
    }
  };
  try {
    // members larger than the 64 KiB header-read chunk, so members end inside and across chunks
    const big = new Uint8Array(2_000_000).map((_, i) => (i * 31 + (i >> 11)) % 256);
    const member = new Uint8Array(gzipSync(big));
    await t.step("several members, any chunk boundary, header-only and whole", () => {
      write(new Uint8Array([...member, ...GZ, ...member]));
      for (const whole of [false, true]) {
        const got = readAll(whole, big.length * 2 + DATA.length + 10);
        assert.equal(got.length, big.length * 2 + DATA.length);
        assert.deepEqual(got.subarray(big.length, big.length + DATA.length), DATA);
        assert.deepEqual(got.subarray(big.length + DATA.length), big);
      }
    });
    await t.step("trailing zero padding ends the stream; a cut stream is a NiftiError", () => {
      write(new Uint8Array([...member, ...new Uint8Array(100_000)]));
      assert.equal(readAll(false, big.length + 10).length, big.length);
      write(member.subarray(0, member.length - 100));
      for (const whole of [false, true]) {
        assert.throws(() => readAll(whole, big.length), {
          name: "NiftiError",
          message: `${path}: corrupt or truncated gzip stream (unexpected end of file)`,
        });
      }
    });
  } finally {
    await Deno.remove(path);
  }
});
