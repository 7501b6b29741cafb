import assert from "node:assert/strict";
import { decode } from "fast-png";
import { decodePng, encodePng, overlayCam, pngSize, type RasterImage, toGray } from "../../lib/viz/mod.ts";

Deno.test("PNG", async (t) => {
  for (const channels of [1, 2, 3, 4] as const) {
    await t.step(`round trip of a ${channels}-channel image through fast-png`, () => {
      const width = 5, height = 3;
      const data = Uint8Array.from({ length: width * height * channels }, (_, i) => (i * 37) % 256);
      const image: RasterImage = { data, width, height, channels };
      const bytes = encodePng(image);
      assert.deepEqual(pngSize(bytes), { width, height });
      const back = decode(bytes);
      assert.deepEqual([back.width, back.height, back.channels, back.depth], [width, height, channels, 8]);
      assert.deepEqual(new Uint8Array(back.data), data);
      assert.deepEqual(decodePng(bytes), image);
    });
  }

  await t.step("an overlay encodes and decodes unchanged", () => {
    const slice = { data: Float32Array.from({ length: 64 }, (_, i) => i / 63), height: 8, width: 8 };
    const cam = { data: Float32Array.from({ length: 4 }, (_, i) => i / 3), height: 2, width: 2 };
    const rgb = overlayCam(slice, cam);
    assert.deepEqual(decodePng(encodePng(rgb)).data, rgb.data);
    assert.deepEqual(decodePng(encodePng(toGray(slice))).data, toGray(slice).data);
  });

  await t.step("rejects inconsistent images and non-PNG bytes", () => {
    assert.throws(() => encodePng({ data: new Uint8Array(5), width: 2, height: 2, channels: 1 }), {
      name: "VizError",
      message: "image: has 5 bytes, 2x2x1 needs 4",
    });
    assert.equal(pngSize(new Uint8Array(30)), null);
    assert.throws(() => decodePng(new TextEncoder().encode("not a png at all"), { input: "x.png" }), {
      name: "VizError",
      message: /^x\.png: not a PNG image/,
    });
  });
});
