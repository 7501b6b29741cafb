import assert from "node:assert/strict";
import { pointingGame } from "../../lib/localize/mod.ts";

Deno.test("pointing game", async (t) => {
  const map = new Float32Array(25);
  map[2 * 5 + 3] = 1; // peak at x = 3, y = 2
  await t.step("hit inside the box, miss outside, tolerance in pixels", () => {
    const inside = { x0: 2, y0: 1, x1: 4, y1: 3 }, beside = { x0: 0, y0: 0, x1: 1, y1: 4 };
    const r = pointingGame({ maps: map, shape: [1, 5, 5] }, [inside]);
    assert.deepEqual(r.hits, [true]);
    assert.deepEqual(r.points, [[3, 2]]);
    assert.equal(pointingGame({ maps: map, shape: [1, 5, 5] }, [beside]).accuracy, 0);
    assert.equal(pointingGame({ maps: map, shape: [1, 5, 5] }, [beside], { tolerance: 2 }).accuracy, 1);
    assert.equal(pointingGame({ maps: map, shape: [1, 5, 5] }, [beside], { tolerance: 1.9 }).accuracy, 0);
  });
  await t.step("against masks; a flat map is a miss", () => {
    const mask = new Uint8Array(25);
    mask[4 * 5 + 4] = 1; // (4, 4): distance √5 from the peak
    const maps = new Float32Array(50);
    maps.set(map);
    const r = pointingGame({ maps, shape: [2, 5, 5] }, [mask, mask], { tolerance: 2.3 });
    assert.deepEqual(r.hits, [true, false]);
    assert.deepEqual(r.points, [[3, 2], null]);
    assert.equal(r.accuracy, 0.5);
    assert.equal(pointingGame({ maps, shape: [2, 5, 5] }, [mask, mask], { tolerance: 2.2 }).hits[0], false);
  });
});
