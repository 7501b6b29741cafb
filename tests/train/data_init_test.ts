// train() with a model whose init is "data": rescaled once, on the spread training images, before the first step
// of a fresh run (never on resume, so a resumed run still equals the straight one bit for bit).
import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { createModel, getWeights, initFromData } from "../../lib/models/mod.ts";
import { DATA_INIT_SAMPLES, train, type TrainOptions } from "../../lib/train/mod.ts";
import { blobDataset, testBackend } from "./_synthetic.ts";
import { straightAndResumed } from "./_resume.ts";

await testBackend();

const trainSet = blobDataset(96, { seed: 31 });
const tiny = (init: "he" | "data") =>
  createModel("googlenet-gap", {
    inputShape: [16, 16, 1],
    numClasses: 2,
    widthMultiplier: 1 / 16,
    seed: 4,
    init,
  });

Deno.test('train with init: "data"', async (t) => {
  await t.step("zero epochs: the weights are initFromData's on the spread training images", async () => {
    const model = tiny("data");
    const result = await train(model, { train: trainSet }, { epochs: 0 });
    assert.equal(result.init?.method, "data");
    assert.equal(result.init?.samples, Math.min(DATA_INIT_SAMPLES, trainSet.size));
    // The same by hand: images ⌊i·96/64⌋, i < 64.
    const byHand = tiny("he");
    const n = result.init!.samples;
    const images = tf.tensor4d(
      Float32Array.from({ length: n * 256 }, (_, k) => {
        const i = Math.floor(k / 256);
        return trainSet.get(Math.floor((i * trainSet.size) / n)).image[k % 256];
      }),
      [n, 16, 16, 1],
    );
    const record = await initFromData(byHand, images);
    images.dispose();
    assert.deepEqual(result.init!.gains, record.gains);
    assert.deepEqual(await getWeights(model), await getWeights(byHand));
    model.dispose();
    byHand.dispose();
  });

  await t.step('init "he": no rescaling, result.init is null', async () => {
    const model = tiny("he");
    const before = await getWeights(model);
    const result = await train(model, { train: trainSet }, { epochs: 0 });
    assert.equal(result.init, null);
    assert.deepEqual(await getWeights(model), before);
    model.dispose();
  });

  await t.step("exact resume: the checkpoint's weights, no second rescaling", async () => {
    const options: TrainOptions = { epochs: 2, batchSize: 32, learningRate: 0.003, seed: 5 };
    const { straight, resumed, result: r } = await straightAndResumed(() => tiny("data"), trainSet, options);
    assert.equal(r.resumedFrom, 1);
    assert.equal(r.init, null);
    assert.deepEqual(await getWeights(resumed), await getWeights(straight));
    straight.dispose();
    resumed.dispose();
  });
});
