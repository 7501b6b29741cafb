import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { createModel } from "../../lib/models/mod.ts";
import { fcHeadModel, withClassifier } from "../../lib/probes/mod.ts";

Deno.test("probe wrappers free everything they make", async (t) => {
  await initBackend();
  await t.step("fcHeadModel: build, forward, dispose", () => {
    const before = tf.memory().numTensors;
    const fc = fcHeadModel(createModel("small-gap", { inputShape: [16, 16, 1], numClasses: 3 }), {
      hidden: 8,
    });
    tf.tidy(() => {
      fc.apply(tf.zeros([2, 16, 16, 1]));
    });
    fc.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
  await t.step("withClassifier: build, forward, dispose (the wrapped model is the caller's)", () => {
    const model = createModel("small-gap", { inputShape: [16, 16, 1], numClasses: 3 });
    const before = tf.memory().numTensors;
    const k = tf.tidy(() => model.classifier().weights.shape[0]);
    const linear = withClassifier(model, new Float32Array(k * 4), new Float32Array(4));
    tf.tidy(() => {
      linear.apply(tf.zeros([2, 16, 16, 1]));
    });
    linear.dispose();
    assert.equal(tf.memory().numTensors, before);
    model.dispose();
  });
});
