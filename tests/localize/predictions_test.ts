import assert from "node:assert/strict";
import { boxPredictions, localizationError, tightLoosePredictions } from "../../lib/localize/mod.ts";

// Two images x top-3 classes of 1x10 maps, image-major as lib/cam returns them.
const peak = [0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 1, 1, 0, 0];
const left = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0];
const stack = {
  maps: Float32Array.from([...peak, ...left, ...left, ...left, ...peak, ...left]),
  shape: [6, 1, 10] as const,
  record: { imageIndex: [0, 0, 0, 1, 1, 1], classIndex: [4, 2, 1, 0, 3, 4] },
};

Deno.test("predictions from top-k maps", async (t) => {
  await t.step("boxPredictions: one (class, box) per map, grouped by image in rank order", () => {
    const p = boxPredictions(stack);
    assert.deepEqual(p[0].map((g) => g.classIndex), [4, 2, 1]);
    assert.deepEqual(p[0][0].box, { x0: 0, y0: 0, x1: 7, y1: 0 });
    assert.deepEqual(p[1][1].box, { x0: 0, y0: 0, x1: 7, y1: 0 });
    const truth = [{ classIndex: 4, boxes: [{ x0: 0, y0: 0, x1: 7, y1: 0 }] }, {
      classIndex: 3,
      boxes: [{ x0: 0, y0: 0, x1: 7, y1: 0 }],
    }];
    assert.equal(localizationError(p, truth), 0.5);
    assert.equal(localizationError(p, truth, { topK: 3 }), 0);
  });

  await t.step("tightLoosePredictions: five guesses per image", () => {
    const p = tightLoosePredictions(stack);
    assert.deepEqual(p[0].map((g) => g.classIndex), [4, 4, 2, 2, 1]);
    assert.deepEqual(p[0][0].box, { x0: 6, y0: 0, x1: 7, y1: 0 });
    assert.deepEqual(p[1].map((g) => g.classIndex), [0, 0, 3, 3, 4]);
  });

  await t.step("errors", () => {
    assert.throws(() => boxPredictions({ ...stack, record: { imageIndex: [0], classIndex: [0] } }), {
      name: "LocalizeError",
      message: "boxPredictions: 6 maps but 1 image and 1 class indices",
    });
  });
});
