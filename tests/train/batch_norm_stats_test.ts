import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { batches } from "../../lib/data/mod.ts";
import { createModel, getWeights } from "../../lib/models/mod.ts";
import { hasMovingStatistics, recalibrateBatchNorm, train } from "../../lib/train/mod.ts";
import { blobDataset, testBackend } from "./_synthetic.ts";

const SIZE = 51;
const bnModel = () => createModel("alexnet-bn-gap", { inputShape: [SIZE, SIZE, 1], widthMultiplier: 1 / 16 });
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

Deno.test("recalibrateBatchNorm", async (t) => {
  await testBackend();
  const data = blobDataset(40, { size: SIZE, seed: 3 });
  const before = tf.memory().numTensors;

  await t.step(
    "the moving statistics become the plain mean of the batches' own (momentum-1 oracle)",
    async () => {
      const model = bnModel();
      const seed = 17, batchSize = 8, k = 4;
      // Oracle: each batch alone with momentum 1 leaves exactly its statistics (σ² unbiased) in the state.
      const per: Record<string, Float32Array>[] = [];
      let drawn = 0;
      for (const batch of batches(data, { batchSize, shuffle: true, seed, augment: false })) {
        if (drawn++ >= k) break;
        tf.tidy(() => {
          model.apply(tf.tensor4d(batch.images, [batch.size, SIZE, SIZE, 1]), {
            training: true,
            bnMomentum: 1,
            seed: 0,
          });
        });
        per.push(await getWeights(model));
      }
      const weights = await getWeights(model);
      assert.equal(recalibrateBatchNorm(model, data, { batches: k, batchSize, seed }), k);
      const after = await getWeights(model);
      const keys = Object.keys(model.state);
      assert.ok(keys.length >= 10, "every batch-norm layer has moving statistics");
      for (const key of keys) {
        const mean = after[key].map((_, i) => per.reduce((s, p) => s + p[key][i], 0) / k);
        assert.ok(maxDiff(after[key], mean) < 1e-5 * (1 + Math.max(...mean.map(Math.abs))), key);
      }
      for (const key of Object.keys(model.trainable)) {
        assert.deepEqual(
          after[key],
          weights[key],
          `${key} unchanged`,
        );
      }
      model.dispose();
    },
  );

  await t.step(
    "fewer batches than asked when the set is small; a model without batch norm is left alone",
    async () => {
      const model = bnModel();
      assert.equal(recalibrateBatchNorm(model, data, { batches: 100, batchSize: 16 }), 3);
      model.dispose();
      const plain = createModel("alexnet-gap", { inputShape: [SIZE, SIZE, 1], widthMultiplier: 1 / 16 });
      assert.equal(hasMovingStatistics(plain), false);
      const w = await getWeights(plain);
      assert.equal(recalibrateBatchNorm(plain, data), 0);
      assert.deepEqual(await getWeights(plain), w);
      plain.dispose();
    },
  );

  await t.step(
    "train(): on by default with augmentation; weights as without it, statistics re-estimated",
    async () => {
      const run = async (options: { augment: boolean; recalibrateBatchNorm?: number | false }) => {
        const model = bnModel();
        await train(model, { train: data }, {
          epochs: 2,
          batchSize: 8,
          seed: 5,
          augment: options.augment ? { flip: true, noise: { sd: 0.5 } } : false,
          ...("recalibrateBatchNorm" in options
            ? { recalibrateBatchNorm: options.recalibrateBatchNorm }
            : {}),
        });
        const w = await getWeights(model);
        model.dispose();
        return w;
      };
      const on = await run({ augment: true });
      const off = await run({ augment: true, recalibrateBatchNorm: false });
      let differ = 0;
      for (const key of Object.keys(on)) {
        if (key.includes("moving_")) differ += maxDiff(on[key], off[key]) > 1e-3 ? 1 : 0;
        else assert.deepEqual(on[key], off[key], `${key}: the trajectory does not change`);
      }
      assert.ok(differ > 0, "the moving statistics were re-estimated");
      // Without augmentation it is off unless asked for.
      assert.deepEqual(
        await run({ augment: false }),
        await run({ augment: false, recalibrateBatchNorm: false }),
      );
    },
  );

  await t.step("nothing leaks", () => {
    assert.equal(tf.memory().numTensors, before);
  });
});
