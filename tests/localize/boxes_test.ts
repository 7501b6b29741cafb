import assert from "node:assert/strict";
import { boxesFromMap, boxFromMap, connectedComponents, thresholdMap } from "../../lib/localize/mod.ts";

/** A map from rows of digits (value = digit / 9). */
function grid(rows: string[]): { map: Float32Array; shape: [number, number] } {
  const h = rows.length, w = rows[0].length;
  const map = new Float32Array(h * w);
  rows.forEach((r, y) => [...r].forEach((c, x) => (map[y * w + x] = Number(c) / 9)));
  return { map, shape: [h, w] };
}

Deno.test("boxes", async (t) => {
  await t.step("thresholdMap keeps pixels strictly above τ·max", () => {
    const map = new Float32Array([0, 0.125, 0.25, 0.5, 1]); // exact in float32: 0.25 is not above 0.25
    assert.deepEqual([...thresholdMap(map, [1, 5], { threshold: 0.25 })], [0, 0, 0, 1, 1]);
    assert.deepEqual([...thresholdMap(map, [1, 5])], [0, 0, 1, 1, 1]);
    assert.deepEqual([...thresholdMap(map, [1, 5], { threshold: 0 })], [0, 1, 1, 1, 1]);
    assert.deepEqual([...thresholdMap(new Float32Array(5), [1, 5])], [0, 0, 0, 0, 0]);
  });

  await t.step("connectedComponents: 4- vs 8-connectivity on a diagonal", () => {
    const mask = new Uint8Array([
      1,
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      1,
    ]);
    const four = connectedComponents(mask, [3, 3], { connectivity: 4 });
    assert.equal(four.count, 3);
    assert.deepEqual(four.sizes, [1, 1, 1]);
    assert.deepEqual([...four.labels], [1, 0, 0, 0, 2, 0, 0, 0, 3]);
    const eight = connectedComponents(mask, [3, 3]);
    assert.equal(eight.count, 1);
    assert.deepEqual(eight.boxes, [{ x0: 0, y0: 0, x1: 2, y1: 2 }]);
  });

  await t.step("boxFromMap: the largest component's box, not the highest peak's", () => {
    const { map, shape } = grid([
      "0000000000",
      "0333300000",
      "0333300090",
      "0333300000",
      "0000000000",
    ]);
    assert.deepEqual(boxFromMap(map, shape), { x0: 1, y0: 1, x1: 4, y1: 3 });
    // above 50% of the max only the peak survives
    assert.deepEqual(boxFromMap(map, shape, { threshold: 0.5 }), { x0: 8, y0: 2, x1: 8, y1: 2 });
    assert.deepEqual(boxesFromMap(map, shape), [{ x0: 1, y0: 1, x1: 4, y1: 3 }, {
      x0: 8,
      y0: 2,
      x1: 8,
      y1: 2,
    }]);
    assert.equal(boxFromMap(new Float32Array(50), shape), null);
  });

  await t.step("connectivity decides whether two diagonal blobs are one", () => {
    const { map, shape } = grid([
      "990000",
      "990000",
      "009990",
      "009990",
    ]);
    assert.deepEqual(boxFromMap(map, shape), { x0: 0, y0: 0, x1: 4, y1: 3 });
    assert.deepEqual(boxFromMap(map, shape, { connectivity: 4 }), { x0: 2, y0: 2, x1: 4, y1: 3 });
  });

  await t.step("errors name the function and the problem", () => {
    assert.throws(() => boxFromMap(new Float32Array(5), [2, 3]), {
      name: "LocalizeError",
      message: "thresholdMap: map holds 5 values but shape [2,3] needs 6",
    });
    assert.throws(() => thresholdMap(new Float32Array(6), [2, 3], { threshold: 1.5 }), {
      name: "LocalizeError",
      message: "thresholdMap: threshold must be in [0, 1], got 1.5",
    });
    assert.throws(() => connectedComponents(new Uint8Array(6), [2, 3], { connectivity: 6 as 4 }), {
      name: "LocalizeError",
      message: "connectedComponents: connectivity must be 4 or 8, got 6",
    });
  });
});
