import assert from "node:assert/strict";
import { deletionCurve, gaussianBlur, insertionCurve, type ScoreFunction } from "../../lib/localize/mod.ts";

/** Closed-form scorer on 4x4x1 images: p(object) = mean of the left two columns, p(other) = 1 − that. */
const score: ScoreFunction = (images, shape) => {
  const [n, h, w] = shape;
  const out = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let y = 0; y < h; y++) for (let x = 0; x < 2; x++) s += images[i * h * w + y * w + x];
    out[i * 2] = s / (2 * h);
    out[i * 2 + 1] = 1 - out[i * 2];
  }
  return out;
};
const image = new Float32Array(16).fill(1);
const onObject = Float32Array.from({ length: 16 }, (_, p) => (p % 4 < 2 ? 1 : 0));
const offObject = onObject.map((v) => 1 - v);

Deno.test("deletion and insertion", async (t) => {
  await t.step(
    "deletion: a map on the object drops the score fast (AUC 0.25), one off it late (0.75)",
    async () => {
      const good = await deletionCurve(score, { image, shape: [4, 4, 1], saliency: onObject });
      assert.equal(good.classIndex, 0); // the top class of the intact image
      assert.deepEqual([...good.scores], [1, 0.5, 0, 0, 0]);
      assert.equal(good.auc, 0.25);
      const bad = await deletionCurve(score, { image, shape: [4, 4, 1], saliency: offObject, classIndex: 0 });
      assert.deepEqual([...bad.scores], [1, 1, 1, 0.5, 0]);
      assert.equal(bad.auc, 0.75);
    },
  );

  await t.step("insertion from a zero baseline: the good map rises first (AUC 0.75)", async () => {
    const good = await insertionCurve(score, {
      image,
      shape: [4, 4, 1],
      saliency: onObject,
      classIndex: 0,
    }, { baseline: "zeros", batchSize: 2 });
    assert.deepEqual([...good.scores], [0, 0.5, 1, 1, 1]);
    assert.equal(good.auc, 0.75);
  });

  await t.step("step sets the pixels per step", async () => {
    const fine = await deletionCurve(score, { image, shape: [4, 4, 1], saliency: onObject, classIndex: 0 }, {
      step: 1,
    });
    assert.equal(fine.scores.length, 17);
    // the score falls by 1/8 per deleted object pixel, then stays 0: AUC = (Σ s − 1/2) / 16
    assert.equal(fine.auc, (4.5 - 0.5) / 16);
  });

  await t.step("the blur baseline keeps a constant image constant where the kernel fits", () => {
    const blurred = gaussianBlur(new Float32Array(21 * 21).fill(2), [21, 21, 1]);
    assert.ok(Math.abs(blurred[10 * 21 + 10] - 2) < 1e-6);
    assert.ok(blurred[0] < 2); // zero padding at the corner
  });

  await t.step("errors", async () => {
    await assert.rejects(
      () => deletionCurve(score, { image, shape: [4, 4, 1], saliency: new Float32Array(15) }),
      {
        name: "LocalizeError",
        message: "deletionCurve: saliency holds 15 values but the image has 16 pixels",
      },
    );
  });
});
