import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { arrayDataset, type Sample } from "../../lib/data/mod.ts";
import type { CamModel } from "../../lib/models/model.ts";
import { averagePrecision, crossEntropy, evaluate, rocAuc, softmax } from "../../lib/train/mod.ts";
import { testBackend } from "./_synthetic.ts";

await testBackend();

/** A model whose logits are its 1x1xC input: evaluation numbers can be computed by hand. */
function identityModel(numClasses: number): CamModel {
  return {
    config: {
      name: "identity",
      inputShape: [1, 1, numClasses],
      numClasses,
      pooling: "gap",
      widthMultiplier: 1,
    },
    trainable: {},
    state: {},
    layerNames: [],
    convLayers: [],
    camLayer: "input",
    apply: (images) => ({
      logits: tf.reshape(images, [images.shape[0], numClasses]) as tf.Tensor2D,
      features: tf.clone(images),
      activations: {},
    }),
    classifier: () => ({
      weights: tf.eye(numClasses) as tf.Tensor2D,
      bias: tf.zeros([numClasses]) as tf.Tensor1D,
    }),
    dispose: () => {},
  };
}

function samples(rows: number[][], labels: number[]): Sample[] {
  return rows.map((r, i) => ({
    image: Float32Array.from(r),
    height: 1,
    width: 1,
    channels: r.length,
    label: labels[i],
  }));
}

Deno.test("evaluate", async (t) => {
  await t.step(
    "binary: accuracy, confusion, precision/recall, AP and AUC of the positive class",
    async () => {
      // logit differences 0.1, 0.4, 0.35, 0.8 → scikit-learn's example after the softmax (monotone)
      const rows = [[0, 0.1], [0, 0.4], [0, 0.35], [0, 0.8], [1, 0]];
      const labels = [0, 0, 1, 1, 0];
      const before = tf.memory().numTensors;
      const r = await evaluate(identityModel(2), arrayDataset(samples(rows, labels)), { batchSize: 2 });
      assert.equal(tf.memory().numTensors, before);
      assert.equal(r.numSamples, 5);
      assert.deepEqual([...r.predictions], [1, 1, 1, 1, 0]);
      assert.deepEqual(r.confusion, [[1, 2], [0, 2]]);
      assert.equal(r.accuracy, 3 / 5);
      assert.equal(r.top1Error, 2 / 5);
      assert.equal(r.top5Error, 0);
      assert.deepEqual(r.precision, [1, 0.5]);
      assert.deepEqual(r.recall, [1 / 3, 1]);
      const scores = rows.map((row) => softmax(row, { numClasses: 2 })[1]);
      assert.equal(r.binary!.positiveClass, 1);
      assert.equal(r.binary!.averagePrecision, averagePrecision(scores, labels));
      assert.equal(r.binary!.rocAuc, rocAuc(scores, labels));
      assert.ok(Math.abs(r.binary!.rocAuc! - 5 / 6) < 1e-12);
      for (let i = 0; i < 5; i++) {
        assert.ok(
          Math.abs(r.probabilities[2 * i] + r.probabilities[2 * i + 1] - 1) < 1e-6,
        );
      }
      assert.ok(Math.abs(r.loss - crossEntropy(rows.flat(), labels, { numClasses: 2 }).mean) < 1e-9);
    },
  );

  await t.step("multi-class: top-5 error, one-vs-rest curves, undefined classes are null", async () => {
    const c = 7;
    const rows = [
      [7, 6, 5, 4, 3, 2, 1], // label 0: top-1
      [7, 6, 5, 4, 3, 2, 1], // label 4: top-5, not top-1
      [7, 6, 5, 4, 3, 2, 1], // label 6: not top-5
    ];
    const r = await evaluate(identityModel(c), arrayDataset(samples(rows, [0, 4, 6])));
    assert.equal(r.accuracy, 1 / 3);
    assert.equal(r.top5Error, 1 / 3);
    assert.equal(r.perClass.length, 7);
    assert.equal(r.perClass[1].averagePrecision, null); // no positives of class 1
    assert.equal(r.perClass[1].rocAuc, null);
    assert.equal(r.perClass[0].rocAuc, 0.5); // all three rows score class 0 equally
    assert.equal(r.binary, undefined);
    assert.equal(r.meanRocAuc, 0.5);
  });

  await t.step("errors", async () => {
    await assert.rejects(evaluate(identityModel(2), arrayDataset([])), {
      name: "TrainError",
      message: "evaluate: the dataset is empty",
    });
    await assert.rejects(evaluate(identityModel(3), arrayDataset(samples([[0, 1]], [0]))), {
      name: "TrainError",
      message: "evaluate: images are 1x1x2, model identity expects 1x1x3",
    });
  });
});
