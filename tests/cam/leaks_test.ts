import * as tf from "../../lib/tf.ts";
import assert from "node:assert/strict";
import { cam, gradCam, gradCamPlusPlus, modelScoreFunction, saliency, scoreCam } from "../../lib/cam/mod.ts";
import "./_helpers.ts";
import { seededImages, seededModel } from "./_tiny_models.ts";

Deno.test("no tensor outlives a call", async (t) => {
  const model = seededModel(41, "gap");
  const images = seededImages(42, 2);
  const methods = {
    cam: () => cam(model, images, { topK: 2 }),
    gradCam: () => gradCam(model, images, { layer: "conv1" }),
    gradCamPlusPlus: () => gradCamPlusPlus(model, images, { topK: 3 }),
    scoreCam: () => scoreCam(model, images, { batchSize: 5 }),
    saliency: () => saliency(model, images, { classIndex: 1 }),
  };
  for (const [name, run] of Object.entries(methods)) {
    await t.step(`${name}: 20 calls leave tf.memory().numTensors unchanged`, async () => {
      await run(); // warm-up: lets tfjs create anything it caches once
      const before = tf.memory().numTensors;
      for (let i = 0; i < 20; i++) await run();
      assert.equal(tf.memory().numTensors, before);
    });
  }

  await t.step("failing calls free what they made", async () => {
    const before = tf.memory().numTensors;
    const bad = tf.tensor2d([1, 2, 3], [3, 1]);
    for (let i = 0; i < 5; i++) {
      await assert.rejects(() => cam(model, images, { weights: bad }), { name: "CamError" });
      await assert.rejects(() => gradCam(model, images, { classIndex: 7 }), { name: "CamError" });
    }
    bad.dispose();
    assert.equal(tf.memory().numTensors, before);
  });

  await t.step("modelScoreFunction: softmax rows in chunks, nothing kept", async () => {
    const score = modelScoreFunction(model, { batchSize: 1 });
    const data = new Float32Array(await images.data());
    const before = tf.memory().numTensors;
    const p = await score(data, [2, 8, 8, 1]);
    assert.equal(tf.memory().numTensors, before);
    assert.equal(p.length, 6);
    const logits = tf.tidy(() => tf.softmax(model.apply(images).logits));
    const expected = await logits.data();
    logits.dispose();
    for (let i = 0; i < 6; i++) assert.ok(Math.abs(p[i] - expected[i]) < 1e-6);
    assert.throws(() => modelScoreFunction(model, { batchSize: 0 }), {
      name: "CamError",
      message: "modelScoreFunction: batchSize must be a positive integer, got 0",
    });
    await assert.rejects(async () => await score(data, [3, 8, 8, 1]), {
      name: "CamError",
      message: "modelScoreFunction: images hold 128 values, shape [3,8,8,1] needs 192",
    });
  });

  images.dispose();
  model.dispose();
});
