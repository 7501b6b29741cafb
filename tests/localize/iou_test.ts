import assert from "node:assert/strict";
import { iou, maxIou } from "../../lib/localize/mod.ts";

Deno.test("iou (inclusive, +1 pixel)", async (t) => {
  const truth = { x0: 0, y0: 0, x1: 9, y1: 9 }; // 10 x 10 = 100 pixels
  await t.step("a box exactly on the truth: 1", () => assert.equal(iou(truth, truth), 1));
  await t.step("half off: 50 / 150", () => assert.equal(iou(truth, { x0: 5, y0: 0, x1: 14, y1: 9 }), 1 / 3));
  await t.step("inside: area ratio", () => assert.equal(iou(truth, { x0: 0, y0: 0, x1: 4, y1: 9 }), 0.5));
  await t.step("a one-pixel box has area 1", () => {
    assert.equal(iou({ x0: 3, y0: 3, x1: 3, y1: 3 }, { x0: 3, y0: 3, x1: 3, y1: 3 }), 1);
    assert.equal(iou({ x0: 3, y0: 3, x1: 3, y1: 3 }, truth), 0.01);
  });
  await t.step("boxes sharing an edge column overlap by it; disjoint boxes and null give 0", () => {
    assert.equal(iou({ x0: 0, y0: 0, x1: 4, y1: 0 }, { x0: 4, y0: 0, x1: 8, y1: 0 }), 1 / 9);
    assert.equal(iou({ x0: 0, y0: 0, x1: 3, y1: 0 }, { x0: 4, y0: 0, x1: 8, y1: 0 }), 0);
    assert.equal(iou(null, truth), 0);
  });
  await t.step("maxIou takes the best true box", () => {
    assert.equal(maxIou(truth, [{ x0: 50, y0: 50, x1: 60, y1: 60 }, { x0: 0, y0: 0, x1: 4, y1: 9 }]), 0.5);
    assert.equal(maxIou(truth, []), 0);
  });
});
