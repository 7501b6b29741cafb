import assert from "node:assert/strict";
import { scoreCam } from "../../lib/cam/mod.ts";
import { assertClose, handImage, handLogits, handModel, minMax, softmax } from "./_helpers.ts";
import { seededImages, seededModel } from "./_tiny_models.ts";

Deno.test("scoreCam", async (t) => {
  await t.step(
    "weights are the softmax scores of the input masked by each normalised channel (by hand)",
    async () => {
      const model = handModel("gap");
      const x = [1, 2, 3, 0];
      const image = handImage(x);
      const A = [[1, 2, 3, 0], [1, 0, 0, 2]]; // the conv1 channels; the masks need no resizing at 2x2
      const masks = A.map(minMax); // [1/3, 2/3, 1, 0] and [0.5, 0, 0, 1]
      for (const c of [0, 1]) {
        const r = await scoreCam(model, image, { classIndex: c, upsample: false });
        const weights = masks.map((h) => softmax(handLogits(x.map((v, p) => v * h[p])))[c]);
        assertClose(r.weights!, weights, 1e-6, `class ${c} weights`);
        const raw = [0, 1, 2, 3].map((p) => Math.max(weights[0] * A[0][p] + weights[1] * A[1][p], 0));
        assertClose(r.maps, minMax(raw), 1e-5, `class ${c} map`);
      }
      image.dispose();
      model.dispose();
    },
  );

  await t.step("the chunk size does not change the result; top-k shares the masked passes", async () => {
    const model = seededModel(17, "gap");
    const images = seededImages(3, 3);
    const a = await scoreCam(model, images, { batchSize: 1, topK: 2 });
    const b = await scoreCam(model, images, { batchSize: 64, topK: 2 });
    assertClose(a.maps, b.maps, 1e-6);
    assertClose(a.weights!, b.weights!, 1e-6);
    const second = await scoreCam(model, images, {
      classIndex: [1, 3, 5].map((i) => a.record.classIndex[i]),
    });
    assertClose(a.maps.subarray(64, 128), second.maps.subarray(0, 64), 1e-6);
    assert.equal(a.record.method, "score-cam");
    assert.equal(a.record.extra.batchSize, 1);
    images.dispose();
    model.dispose();
  });

  await t.step("a flat channel gives an all-zero mask, not NaN", async () => {
    const model = handModel("gap");
    const image = handImage([5, 5, 5, 5]); // f1 = 5 everywhere, f2 = 0 everywhere: both flat
    const r = await scoreCam(model, image, { classIndex: 0 });
    const zero = softmax(handLogits([0, 0, 0, 0]))[0];
    assertClose(r.weights!, [zero, zero], 1e-6);
    assert.ok(r.maps.every((v) => v === 0));
    image.dispose();
    model.dispose();
  });

  await t.step("errors", async () => {
    const model = handModel();
    const image = handImage();
    await assert.rejects(() => scoreCam(model, image, { batchSize: 0 }), {
      name: "CamError",
      message: "scoreCam: batchSize must be a positive integer, got 0",
    });
    image.dispose();
    model.dispose();
  });
});
