import assert from "node:assert/strict";
import { colormapColor, drawBoxes, montage, overlayCam, toGray, toRgb } from "../../lib/viz/mod.ts";

Deno.test("overlayCam", async (t) => {
  await t.step("blends (1 - α)·255·g + α·jet(m) per channel on a hand-made case", () => {
    const image = { data: new Float32Array([0, 1]), height: 1, width: 2 };
    const cam = { data: new Float32Array([0, 1]), height: 1, width: 2 };
    const out = overlayCam(image, cam, { alpha: 0.5, imageRange: [0, 1] });
    // pixel 0: 0.5·0 + 0.5·(0, 0, 127) ; pixel 1: 0.5·255 + 0.5·(127, 0, 0)
    assert.deepEqual([...out.data], [0, 0, 64, 191, 128, 128]);
    assert.deepEqual([out.width, out.height, out.channels], [2, 1, 3]);
  });

  await t.step("α = 0 gives the gray image, α = 1 the colour map", () => {
    const image = { data: [0, 2, 4, 8], height: 2, width: 2 };
    const cam = { data: [0.1, 0.4, 0.6, 0.9], height: 2, width: 2 };
    const gray = overlayCam(image, cam, { alpha: 0 });
    assert.deepEqual([...gray.data], [...toRgb(toGray(image, { range: "auto" })).data]);
    const heat = overlayCam(image, cam, { alpha: 1, colormap: "viridis" });
    assert.deepEqual([...heat.data.subarray(9, 12)], colormapColor("viridis", 0.9));
  });

  await t.step("resizes a smaller CAM to the image (bilinear, half-pixel centres)", () => {
    const image = { data: new Float32Array(16).fill(0), height: 4, width: 4 };
    const cam = { data: [1], height: 1, width: 1 };
    const out = overlayCam(image, cam, { alpha: 1, colormap: "gray" });
    assert.ok(out.data.every((v) => v === 255));
  });

  await t.step("rejects a bad alpha and mismatched data", () => {
    const image = { data: [0, 1], height: 1, width: 2 };
    assert.throws(() => overlayCam(image, image, { alpha: 2 }), {
      name: "VizError",
      message: "overlay: alpha must be in [0, 1], got 2",
    });
    assert.throws(() => overlayCam(image, { data: [1, 2, 3], height: 2, width: 2 }), {
      name: "VizError",
      message: "cam: has 3 values, 2x2 needs 4",
    });
  });
});

Deno.test("drawBoxes", async (t) => {
  await t.step("draws an inclusive outline in the given colour, on a copy", () => {
    const base = toGray({ data: new Float32Array(25), height: 5, width: 5 });
    const out = drawBoxes(base, [{ x0: 1, y0: 1, x1: 3, y1: 3 }], { color: [255, 0, 0] });
    assert.equal(out.channels, 3);
    const red = (x: number, y: number) => out.data[(y * 5 + x) * 3] === 255;
    const marked: string[] = [];
    for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) if (red(x, y)) marked.push(`${x},${y}`);
    assert.deepEqual(marked, ["1,1", "2,1", "3,1", "1,2", "3,2", "1,3", "2,3", "3,3"]);
    assert.ok(base.data.every((v) => v === 0)); // input untouched
  });

  await t.step("clips to the image, honours thickness and per-box colour", () => {
    const base = toRgb(toGray({ data: new Float32Array(16), height: 4, width: 4 }));
    const out = drawBoxes(base, [{ x0: -2, y0: -2, x1: 10, y1: 1, color: [0, 0, 255] }, {
      x0: 9,
      y0: 9,
      x1: 12,
      y1: 12,
    }], {
      thickness: 2,
    });
    // the visible part (rows 0-1) lies within 2 px of the box's bottom edge (y1 = 1): all of it is outline
    const blue = [...Array(16).keys()].filter((p) => out.data[p * 3 + 2] === 255);
    assert.deepEqual(blue, [0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

Deno.test("montage", async (t) => {
  await t.step("lays images out in a grid with spacing and background", () => {
    const tile = (v: number) => ({
      data: new Uint8Array(4).fill(v),
      width: 2,
      height: 2,
      channels: 1 as const,
    });
    const m = montage([tile(10), tile(20), tile(30)], { columns: 2, spacing: 1, background: [5, 5, 5] });
    assert.deepEqual([m.width, m.height, m.channels], [7, 7, 1]);
    const at = (x: number, y: number) => m.data[y * 7 + x];
    assert.equal(at(0, 0), 5);
    assert.equal(at(1, 1), 10);
    assert.equal(at(4, 2), 20);
    assert.equal(at(2, 5), 30);
    assert.equal(at(5, 5), 5); // empty 4th cell
  });

  await t.step("mixed gray and RGB becomes RGB; smaller images are centred", () => {
    const gray = { data: new Uint8Array([200]), width: 1, height: 1, channels: 1 as const };
    const rgb = { data: new Uint8Array(27).fill(9), width: 3, height: 3, channels: 3 as const };
    const m = montage([gray, rgb], { spacing: 0 });
    assert.deepEqual([m.width, m.height, m.channels], [6, 3, 3]);
    assert.deepEqual([...m.data.subarray((1 * 6 + 1) * 3, (1 * 6 + 1) * 3 + 3)], [200, 200, 200]);
    assert.deepEqual([...m.data.subarray(0, 3)], [0, 0, 0]);
  });

  await t.step("rejects an empty list", () => {
    assert.throws(() => montage([]), {
      name: "VizError",
      message: "images: nothing to lay out: the list is empty",
    });
  });
});
