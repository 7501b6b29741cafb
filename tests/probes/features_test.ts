import * as tf from "../../lib/tf.ts";
import assert from "node:assert/strict";
import { cam } from "../../lib/cam/mod.ts";
import { createModel } from "../../lib/models/mod.ts";
import { train } from "../../lib/train/mod.ts";
import {
  accuracy,
  argMaxRows,
  fcHeadModel,
  gapFeatures,
  linearSvm,
  svmScores,
  svmTransfer,
  withClassifier,
} from "../../lib/probes/mod.ts";
import { assertClose, useCpu } from "../_helpers.ts";
import { squares } from "../_squares.ts";

await useCpu();

const tiny = (seed = 3) =>
  createModel("small-gap", { inputShape: [16, 16, 1], numClasses: 2, widthMultiplier: 0.25, seed });

Deno.test("GAP features, SVM CAM and the FC baseline", async (t) => {
  const data = squares(24);
  const model = tiny();

  await t.step("gapFeatures is the spatial mean of the CAM layer, batch size does not matter", async () => {
    const a = await gapFeatures(model, data, { batchSize: 7 });
    const b = await gapFeatures(model, data, { batchSize: 64 });
    assert.equal(a.count, 24);
    assert.equal(a.numFeatures, 32);
    assert.equal(a.layer, "conv3");
    assertClose(a.features, b.features, 1e-6, "batching");
    assert.deepEqual([...a.labels.slice(0, 4)], [0, 1, 0, 1]);
    const x = tf.tensor4d(data.get(5).image, [1, 16, 16, 1]);
    const { features, logits } = model.apply(x);
    const mean = await tf.mean(features, [1, 2]).data();
    assertClose(a.features.subarray(5 * 32, 6 * 32), mean, 1e-6, "image 5");
    tf.dispose([x, features, logits]);
    await assert.rejects(gapFeatures(model, data, { layer: "fc9" }), {
      name: "ProbeError",
      message: "gapFeatures: small-gap has no layer fc9",
    });
  });

  await t.step(
    "CAM with the SVM's weights: M_c = Σ_k w_k^c f_k and mean(M_c) + b_c = SVM score",
    async () => {
      const f = await gapFeatures(model, data);
      const svm = linearSvm(f.features, f.labels, { standardize: true, cost: 1 });
      const svmModel = withClassifier(model, svm.weights, svm.bias);
      const images = tf.tensor4d(
        Float32Array.from({ length: 4 * 256 }, (_, p) => data.get(Math.floor(p / 256)).image[p % 256]),
        [4, 16, 16, 1],
      );
      const before = tf.memory().numTensors;
      const maps = await cam(svmModel, images, { topK: 2, normalize: "none", upsample: false });
      assert.equal(tf.memory().numTensors, before, "no leaks");
      const { features, logits } = model.apply(images);
      const fv = await features.data();
      tf.dispose([features, logits]);
      const [, h, w] = maps.shape;
      const scores = svmScores(svm, f.features.subarray(0, 4 * 32));
      for (let m = 0; m < maps.shape[0]; m++) {
        const n = maps.record.imageIndex[m], c = maps.record.classIndex[m];
        const hand = new Float32Array(h * w);
        let mean = 0;
        for (let p = 0; p < h * w; p++) {
          for (let k = 0; k < 32; k++) hand[p] += svm.weights[k * 2 + c] * fv[(n * h * w + p) * 32 + k];
          mean += hand[p] / (h * w);
        }
        assertClose(maps.maps.subarray(m * h * w, (m + 1) * h * w), hand, 1e-4, `map ${m}`);
        assertClose([mean + svm.bias[c]], [scores[n * 2 + c]], 1e-4, "GAP identity with the SVM");
      }
      svmModel.dispose();
      images.dispose();
      assert.throws(() => withClassifier(model, new Float32Array(5), new Float32Array(2)), {
        name: "ProbeError",
        message: "withClassifier: 5 weights do not form [K, 2]",
      });
    },
  );

  await t.step(
    "FC-head baseline trains through lib/train and gives fc1 features; it has no CAM",
    async () => {
      const fc = fcHeadModel(tiny(5), { hidden: 8, seed: 1 });
      assert.deepEqual(Object.keys(fc.trainable).filter((k) => k.startsWith("fc")), [
        "fc1/kernel",
        "fc1/bias",
        "fc2/kernel",
        "fc2/bias",
      ]);
      assert.ok(!Object.keys(fc.trainable).some((k) => k.startsWith("classifier/")));
      const result = await train(fc, { train: data }, {
        epochs: 2,
        batchSize: 8,
        learningRate: 1e-2,
        progress: false,
      });
      assert.ok(Number.isFinite(result.history.at(-1)!.loss));
      const feats = await gapFeatures(fc, data, { layer: "fc1" });
      assert.equal(feats.numFeatures, 8);
      assert.ok(feats.features.every((v) => v >= 0), "ReLU output");
      assert.throws(() => fc.classifier(), { name: "ProbeError", message: /has no CAM classifier/ });
      fc.dispose();
    },
  );

  await t.step(
    "svmTransfer: a table row per (source, target); GAP features of the task separate it",
    async () => {
      await train(model, { train: data }, { epochs: 4, batchSize: 8, learningRate: 1e-2, progress: false });
      const rows = await svmTransfer(
        [{ name: "gap", model }],
        [{ name: "squares", train: data, test: squares(10, 100), numClasses: 2 }],
        { svm: { cost: 1 } },
      );
      assert.equal(rows.length, 1);
      assert.equal(rows[0].numFeatures, 32);
      assert.equal(rows[0].nTest, 10);
      assert.ok(rows[0].trainAccuracy >= 0.9, `train accuracy ${rows[0].trainAccuracy}`);
      assert.equal(accuracy(argMaxRows(new Float32Array([1, 0, 0, 1]), 2), [0, 1]), 1);
    },
  );
  model.dispose();
});
