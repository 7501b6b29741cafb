import * as tf from "../../lib/tf.ts";
import assert from "node:assert/strict";
import { cam, modelScoreFunction } from "../../lib/cam/mod.ts";
import { deletionCurve, insertionCurve } from "../../lib/localize/mod.ts";
import "./_helpers.ts";
import { seededImages, seededModel } from "./_tiny_models.ts";

Deno.test("deletion and insertion on a model, through modelScoreFunction", async () => {
  const model = seededModel(51, "gap");
  const images = seededImages(52, 1);
  const result = await cam(model, images);
  const score = modelScoreFunction(model, { batchSize: 4 });
  const image = new Float32Array(await images.data());
  const sample = {
    image,
    shape: [8, 8, 1] as const,
    saliency: result.maps,
    classIndex: result.record.classIndex[0],
  };
  const before = tf.memory().numTensors;
  const deletion = await deletionCurve(score, sample, { step: 4 });
  const insertion = await insertionCurve(score, sample, { step: 4 });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(deletion.scores.length, 17);
  const probabilities = await score(image, [1, 8, 8, 1]);
  assert.ok(
    Math.abs(deletion.scores[0] - probabilities[sample.classIndex]) < 1e-6,
    "starts at the intact image's score",
  );
  assert.ok(
    Math.abs(insertion.scores[16] - probabilities[sample.classIndex]) < 1e-6,
    "ends at the intact image's score",
  );
  for (const c of [deletion, insertion]) assert.ok(c.auc >= 0 && c.auc <= 1);
  images.dispose();
  model.dispose();
});
