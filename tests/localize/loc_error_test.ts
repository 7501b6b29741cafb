import assert from "node:assert/strict";
import {
  classificationError,
  gtKnownAccuracy,
  localizationError,
  type Prediction,
  tightLooseBoxes,
} from "../../lib/localize/mod.ts";

const truthBox = { x0: 0, y0: 0, x1: 9, y1: 9 };
const halfOff = { x0: 5, y0: 0, x1: 14, y1: 9 }; // IoU 1/3

Deno.test("localization and classification error", async (t) => {
  await t.step("top-1: right class and IoU ≥ 0.5, both needed", () => {
    const truth = [{ classIndex: 1, boxes: [truthBox] }];
    assert.equal(localizationError([[{ classIndex: 1, box: truthBox }]], truth), 0);
    assert.equal(localizationError([[{ classIndex: 1, box: halfOff }]], truth), 1);
    assert.equal(localizationError([[{ classIndex: 0, box: truthBox }]], truth), 1);
    assert.equal(localizationError([[{ classIndex: 1, box: null }]], truth), 1);
    assert.equal(localizationError([[{ classIndex: 1, box: halfOff }]], truth, { iouThreshold: 0.3 }), 0);
  });

  await t.step("top-5: any of the first five guesses; several true boxes", () => {
    const guesses: Prediction[] = [
      { classIndex: 0, box: truthBox },
      { classIndex: 2, box: halfOff },
      { classIndex: 2, box: { x0: 20, y0: 20, x1: 29, y1: 29 } },
    ];
    const truth = [{ classIndex: 2, boxes: [truthBox, { x0: 20, y0: 20, x1: 30, y1: 29 }] }];
    assert.equal(localizationError([guesses], truth), 1);
    assert.equal(localizationError([guesses], truth, { topK: 2 }), 1);
    assert.equal(localizationError([guesses], truth, { topK: 5 }), 0);
    assert.equal(
      localizationError([guesses, guesses], [...truth, { classIndex: 3, boxes: [truthBox] }], { topK: 5 }),
      0.5,
    );
  });

  await t.step("classification error and GT-known accuracy", () => {
    assert.equal(classificationError([[1, 0], [0, 1], [2, 1]], [1, 1, 0]), 2 / 3);
    assert.equal(classificationError([[1, 0], [0, 1], [2, 1]], [1, 1, 0], { topK: 2 }), 1 / 3);
    assert.equal(gtKnownAccuracy([truthBox, halfOff, null], [[truthBox], [truthBox], [truthBox]]), 1 / 3);
  });

  await t.step("the tight + loose heuristic: five guesses from the top-3 maps", () => {
    // a 1x10 map: a plateau at 0.3 over columns 0-7 and a peak of 1 at columns 6-7
    const map = new Float32Array([0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 1, 1, 0, 0]);
    const ranked = [5, 7, 9].map((classIndex) => ({ classIndex, map }));
    const guesses = tightLooseBoxes(ranked, [1, 10]);
    assert.deepEqual(guesses.map((g) => g.classIndex), [5, 5, 7, 7, 9]);
    const tight = { x0: 6, y0: 0, x1: 7, y1: 0 }, loose = { x0: 0, y0: 0, x1: 7, y1: 0 };
    assert.deepEqual(guesses.map((g) => g.box), [tight, loose, tight, loose, loose]);
    assert.throws(() => tightLooseBoxes(ranked.slice(0, 2), [1, 10]), {
      name: "LocalizeError",
      message: "tightLooseBoxes: needs the maps of the top-3 classes, got 2",
    });
  });

  await t.step("errors", () => {
    assert.throws(() => localizationError([], [{ classIndex: 0, boxes: [] }]), {
      name: "LocalizeError",
      message: "localizationError: 0 predictions but 1 ground truths",
    });
    assert.throws(() => gtKnownAccuracy([], []), {
      name: "LocalizeError",
      message: "gtKnownAccuracy: no images",
    });
  });
});
