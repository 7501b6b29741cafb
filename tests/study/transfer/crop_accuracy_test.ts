import * as tf from "../../../lib/tf.ts";
import assert from "node:assert/strict";
import { createModel } from "../../../lib/models/mod.ts";
import { train } from "../../../lib/train/mod.ts";
import { cropAccuracy } from "../../../lib/study/transfer/mod.ts";
import { useCpu } from "../../_helpers.ts";
import { squares } from "../../_squares.ts";

await useCpu();

Deno.test("cropAccuracy", async (t) => {
  const data = squares(24);
  const model = createModel("small-gap", {
    inputShape: [16, 16, 1],
    numClasses: 2,
    widthMultiplier: 0.25,
    seed: 3,
  });
  await train(model, { train: data }, { epochs: 4, batchSize: 8, learningRate: 1e-2, progress: false });
  const test = squares(12, 200);
  const truth = (_: unknown, i: number, split = "test") => {
    const [x0, y0, x1, y1] = (split === "test" ? test : data).boxes[i];
    return { x0, y0, x1, y1 };
  };

  await t.step("three accuracies, IoU fraction and the boxes; no tensor leaks", async () => {
    const before = tf.memory().numTensors;
    const r = await cropAccuracy(model, test, { truthBox: truth, batchSize: 5 });
    assert.equal(tf.memory().numTensors, before);
    assert.equal(r.count, 12);
    assert.equal(r.boxes.length, 12);
    assert.equal(r.threshold, 0.2);
    for (const v of [r.fullAccuracy, r.camCropAccuracy, r.gtCropAccuracy, r.camBoxIou50, r.meanIou]) {
      assert.ok(v >= 0 && v <= 1);
    }
    assert.deepEqual(r.boxes[0].truth, truth(null, 0));
  });

  await t.step(
    "oracles: the full-image box crops to the image itself; truth = CAM box gives IoU 1",
    async () => {
      const whole = await cropAccuracy(model, test, { truthBox: () => ({ x0: 0, y0: 0, x1: 15, y1: 15 }) });
      assert.equal(whole.gtCropAccuracy, whole.fullAccuracy);
      const same = await cropAccuracy(model, test, { truthBox: (_, i) => whole.boxes[i].cam });
      assert.equal(same.camBoxIou50, 1);
      assert.equal(same.meanIou, 1);
      assert.equal(same.gtCropAccuracy, same.camCropAccuracy);
    },
  );

  await t.step("the paper's protocol: per-view SVMs on GAP features of training crops", async () => {
    const r = await cropAccuracy(model, test, { truthBox: truth, svmTrain: data, svm: { cost: 1 } });
    assert.equal(r.classifier, "svm");
    for (const v of [r.fullAccuracy, r.camCropAccuracy, r.gtCropAccuracy]) assert.ok(v >= 0 && v <= 1);
    // a huge margin clips every box to the whole image: all three views are the full image
    const wide = await cropAccuracy(model, test, { truthBox: truth, svmTrain: data, margin: 100 });
    assert.equal(wide.camCropAccuracy, wide.fullAccuracy);
    assert.equal(wide.gtCropAccuracy, wide.fullAccuracy);
    assert.equal(wide.margin, 100);
  });

  await t.step("samples without a box and an empty dataset", async () => {
    const r = await cropAccuracy(model, test, { limit: 3 });
    assert.equal(r.count, 3);
    assert.equal(r.camBoxIou50, 0, "no truth: a CAM box is a miss");
    assert.equal(r.gtCropAccuracy, r.fullAccuracy, "no truth: the full image is the GT crop");
    await assert.rejects(cropAccuracy(model, test, { limit: 0 }), {
      name: "TransferError",
      message: "cropAccuracy: the dataset is empty",
    });
  });
  model.dispose();
});
