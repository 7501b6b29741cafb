import assert from "node:assert/strict";
import { maxBoxAcc, maxBoxAccV2 } from "../../lib/localize/mod.ts";

/** One map [h, w] with value v inside each of the given boxes (later boxes overwrite). */
function blobs(h: number, w: number, parts: [number, number, number, number, number][]): Float32Array {
  const map = new Float32Array(h * w);
  for (const [x0, y0, x1, y1, v] of parts) {
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) map[y * w + x] = v;
  }
  return map;
}

Deno.test("MaxBoxAcc", async (t) => {
  await t.step("a map that is exactly the true box scores 1 at every τ", () => {
    const maps = blobs(8, 8, [[2, 1, 5, 6, 1]]);
    const r = maxBoxAcc({ maps, shape: [1, 8, 8] }, [[{ x0: 2, y0: 1, x1: 5, y1: 6 }]]);
    assert.equal(r.value, 1);
    assert.equal(r.thresholds.length, 100);
    assert.ok(r.accuracy[0].every((a) => a === 1));
    assert.equal(r.bestThreshold[0], 0);
  });

  await t.step("a box half off the truth never counts at IoU 0.5", () => {
    const maps = blobs(4, 20, [[5, 0, 14, 3, 1]]);
    const r = maxBoxAcc({ maps, shape: [1, 4, 20] }, [[{ x0: 0, y0: 0, x1: 9, y1: 3 }]]);
    assert.equal(r.value, 0);
    assert.equal(
      maxBoxAcc({ maps, shape: [1, 4, 20] }, [[{ x0: 0, y0: 0, x1: 9, y1: 3 }]], { iouThresholds: [0.3] })
        .value,
      1,
    );
  });

  await t.step(
    "the τ sweep: a ramp 0..9 finds the τ range that cuts the right columns (8-bit levels)",
    () => {
      // levels ⌊255·i/9⌋ = 0, 28, 56, 85, 113, 141, 170, 198, 226, 255; truth = columns 5..9.
      const maps = new Float32Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const r = maxBoxAcc({ maps, shape: [1, 1, 10] }, [[{ x0: 5, y0: 0, x1: 9, y1: 0 }]], {
        iouThresholds: [0.7, 1],
      });
      // IoU ≥ 0.7 when columns 3..9 to 6..9 survive: cut in [56, 170) → τ from 0.22 to 0.66
      const hits = r.thresholds.filter((_, i) => r.accuracy[0][i] === 1);
      assert.equal(hits[0], 0.22);
      assert.equal(hits.length, 45);
      assert.equal(r.bestThreshold[0], 0.22);
      // IoU 1 exactly when the cut is in [113, 141): τ = 0.45..0.55
      assert.equal(r.bestThreshold[1], 0.45);
      assert.equal(r.accuracy[1].filter((a) => a === 1).length, 11);
      assert.equal(r.value, 1);
    },
  );

  await t.step("V1 keeps the largest component; V2 scores every component's box at IoU 0.3/0.5/0.7", () => {
    // a large blob at 1.0 and the true object as a small blob at 0.5
    const maps = blobs(10, 20, [[0, 0, 7, 9, 1], [14, 2, 17, 5, 0.5]]);
    const truth = [[{ x0: 14, y0: 2, x1: 17, y1: 5 }]];
    assert.equal(maxBoxAcc({ maps, shape: [1, 10, 20] }, truth).value, 0);
    const v2 = maxBoxAccV2({ maps, shape: [1, 10, 20] }, truth);
    assert.deepEqual(v2.maxAccuracy, [1, 1, 1]);
    assert.equal(v2.value, 1);
  });

  await t.step("averages over images; a flat map gives no box", () => {
    const good = blobs(4, 4, [[0, 0, 1, 1, 1]]);
    const maps = new Float32Array(32);
    maps.set(good, 0);
    const truth = [[{ x0: 0, y0: 0, x1: 1, y1: 1 }], [{ x0: 0, y0: 0, x1: 1, y1: 1 }]];
    assert.equal(maxBoxAcc({ maps, shape: [2, 4, 4] }, truth).value, 0.5);
  });

  await t.step("errors", () => {
    assert.throws(() => maxBoxAcc({ maps: new Float32Array(16), shape: [1, 4, 4] }, []), {
      name: "LocalizeError",
      message: "maxBoxAcc: 1 maps but 0 ground truths",
    });
    assert.throws(() => maxBoxAcc({ maps: new Float32Array(15), shape: [1, 4, 4] }, [[]]), {
      name: "LocalizeError",
      message: "maxBoxAcc: maps hold 15 values but shape [1,4,4] needs 16",
    });
  });
});
