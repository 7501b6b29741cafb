import assert from "node:assert/strict";
import { applyColormap, colormapColor, colormapIndex, COLORMAPS, colormapTable } from "../../lib/viz/mod.ts";

Deno.test("colormaps", async (t) => {
  await t.step("endpoints match matplotlib", () => {
    assert.deepEqual(colormapColor("gray", 0), [0, 0, 0]);
    assert.deepEqual(colormapColor("gray", 1), [255, 255, 255]);
    assert.deepEqual(colormapColor("jet", 0), [0, 0, 127]); // (0, 0, 0.5) · 255, truncated
    assert.deepEqual(colormapColor("jet", 1), [127, 0, 0]);
    assert.deepEqual(colormapColor("viridis", 0), [68, 1, 84]); // #440154
    assert.deepEqual(colormapColor("viridis", 1), [253, 231, 37]); // #fde725
  });

  await t.step("jet in between: blue-cyan, green, orange", () => {
    assert.deepEqual(colormapColor("jet", 0.25), [0, 128, 255]);
    assert.equal(colormapColor("jet", 0.5)[1], 255);
    assert.deepEqual(colormapColor("jet", 0.75), [255, 148, 0]); // matplotlib: (1, 0.5817, 0)
  });

  await t.step("index = floor(256 x), clipped; NaN picks entry 0", () => {
    assert.equal(colormapIndex(0), 0);
    assert.equal(colormapIndex(0.5), 128);
    assert.equal(colormapIndex(0.999), 255);
    assert.equal(colormapIndex(1), 255);
    assert.equal(colormapIndex(7), 255);
    assert.equal(colormapIndex(-1), 0);
    assert.equal(colormapIndex(NaN), 0);
  });

  await t.step("every table has 256 RGB entries; gray is the identity", () => {
    for (const name of COLORMAPS) assert.equal(colormapTable(name).length, 768);
    const gray = colormapTable("gray");
    for (let i = 0; i < 256; i++) assert.equal(gray[3 * i + 1], i);
  });

  await t.step("applyColormap colours a map with a range", () => {
    const rgb = applyColormap({ data: [0, 5, 10, 20], height: 2, width: 2 }, {
      colormap: "gray",
      range: [0, 10],
    });
    assert.equal(rgb.channels, 3);
    assert.deepEqual([...rgb.data], [0, 0, 0, 128, 128, 128, 255, 255, 255, 255, 255, 255]);
  });

  await t.step("rejects an unknown colormap by name", () => {
    // deno-lint-ignore no-explicit-any
    assert.throws(() => colormapTable("hot" as any), {
      name: "VizError",
      message: 'colormap: unknown colormap "hot"; use one of jet, viridis, gray',
    });
  });
});
