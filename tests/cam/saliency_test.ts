import * as tf from "../../lib/tf.ts";
import assert from "node:assert/strict";
import { saliency } from "../../lib/cam/mod.ts";
import { assertClose, handImage, handModel } from "./_helpers.ts";
import { tinyModel } from "./_tiny_models.ts";

Deno.test("saliency", async (t) => {
  await t.step("|∂S_c/∂x| of the hand network, by hand", async () => {
    // S_0 = mean ReLU(x)·1 + mean ReLU(2 − x)·0.5 → ∂S_0/∂x_p = [x_p > 0]/4 − 0.5·[x_p < 2]/4
    const model = handModel("gap");
    const x = [1, 2.5, 3, 0.5];
    const image = handImage(x);
    const r = await saliency(model, image, { classIndex: 0, normalize: "none" });
    assertClose(r.maps, x.map((v) => Math.abs((v > 0 ? 0.25 : 0) - (v < 2 ? 0.125 : 0))), 1e-7);
    assert.equal(r.record.method, "saliency");
    assert.equal(r.record.layer, "input");
    assert.equal(r.weights, undefined);
    assertClose((await saliency(model, image, { classIndex: 0 })).maps, [0, 1, 1, 0], 1e-6, "min-max");
    image.dispose();
    model.dispose();
  });

  await t.step("max over the input channels", async () => {
    // f = ReLU(x_a − 3 x_b) on 2 pixels, S = 2·mean f = f_0 + f_1: |∂S/∂x_a| = 1, |∂S/∂x_b| = 3 where f > 0, else 0
    const model = tinyModel({
      inputShape: [1, 2, 2],
      numClasses: 1,
      pooling: "gap",
      convs: [{ kernel: [1, -3], shape: [1, 1, 2, 1] }],
      classifier: { weights: [2] },
    });
    const image = tf.tensor4d([1, 0.1, 1, 1], [1, 1, 2, 2]); // pixel 0 active, pixel 1 not
    const r = await saliency(model, image, { normalize: "none" });
    assertClose(r.maps, [3, 0], 1e-6);
    image.dispose();
    model.dispose();
  });

  await t.step("batches and top-k", async () => {
    const model = handModel("gap");
    const images = tf.concat([handImage([1, 2.5, 3, 0.5]), handImage([0.5, 0.5, 3, 3])]) as tf.Tensor4D;
    const r = await saliency(model, images, { topK: 2, normalize: "none" });
    assert.deepEqual(r.shape, [4, 2, 2]);
    const one = await saliency(model, images, {
      classIndex: [r.record.classIndex[1], r.record.classIndex[3]],
      normalize: "none",
    });
    assertClose(r.maps.subarray(4, 8), one.maps.subarray(0, 4), 1e-7);
    assertClose(r.maps.subarray(12), one.maps.subarray(4), 1e-7);
    images.dispose();
    model.dispose();
  });
});
