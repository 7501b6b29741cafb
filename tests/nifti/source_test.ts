import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { gunzipSource, memorySource } from "../../lib/nifti/_source.ts";

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
