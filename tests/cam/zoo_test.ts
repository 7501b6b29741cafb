/** lib/cam on the model zoo's own networks (the CamModel contract as lib/models implements it). */
import * as tf from "../../lib/tf.ts";
import assert from "node:assert/strict";
import { cam, gradCam, gradCamPlusPlus } from "../../lib/cam/mod.ts";
import { createModel } from "../../lib/models/mod.ts";
import { assertClose } from "./_helpers.ts";

Deno.test("lib/cam on zoo models", async (t) => {
  const images = tf.randomUniform([2, 16, 16, 1], 0, 1, "float32", 3) as tf.Tensor4D;

  for (const name of ["small-gap", "small-gmp"]) {
    await t.step(`${name}: Grad-CAM at the CAM layer equals CAM after min-max`, async () => {
      const model = createModel(name, { inputShape: [16, 16, 1], numClasses: 3, seed: 1 });
      const options = { topK: 2, relu: false } as const;
      const g = await gradCam(model, images, options);
      const c = await cam(model, images, options);
      assert.deepEqual(g.record.classIndex, c.record.classIndex);
      assertClose(g.maps, c.maps, 1e-4, name);
      model.dispose();
    });
  }

  await t.step(
    "googlenet-gap (narrow): Grad-CAM and Grad-CAM++ at conv layers and inception blocks by name",
    async () => {
      const model = createModel("googlenet-gap", {
        inputShape: [16, 16, 1],
        numClasses: 2,
        widthMultiplier: 1 / 32,
        camUnits: 32,
      });
      const before = tf.memory().numTensors;
      for (const layer of model.convLayers.filter((_, i, all) => i % 3 === 0 || i === all.length - 1)) {
        const r = await gradCam(model, images, { layer, upsample: false });
        assert.equal(r.record.layer, layer);
        assert.ok(r.maps.every((v) => v >= 0 && v <= 1), layer);
        const pp = await gradCamPlusPlus(model, images, { layer });
        assert.ok(pp.maps.every(Number.isFinite), layer);
      }
      assert.equal(tf.memory().numTensors, before);
      model.dispose();
    },
  );

  images.dispose();
});
