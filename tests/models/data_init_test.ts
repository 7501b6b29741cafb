// Initialisation: He-normal kernels against the closed form, and data-dependent init (initFromData) against its
// definition — every conv without batch norm gets zero-mean, unit-variance pre-activations per channel on the
// batch, the logits are centred, and batch-norm convs are left alone.
import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { createModel, getWeights, initFromData, ModelError, type ZooModel } from "../../lib/models/mod.ts";
import { seededImages, setupBackend } from "./_setup.ts";

await setupBackend();

/** Per conv layer, the per-channel mean and (biased) variance of its pre-activation on `images`. */
async function preStats(model: ZooModel, images: tf.Tensor4D) {
  const stats: Record<string, { mean: Float32Array; variance: Float32Array }> = {};
  const kept: Record<string, [tf.Tensor, tf.Tensor]> = {};
  const logits = model.visitPreActivations(images, (name, z) => {
    const { mean, variance } = tf.moments(z, [0, 1, 2]);
    kept[name] = [tf.keep(mean), tf.keep(variance)];
  });
  for (const [name, [m, v]] of Object.entries(kept)) {
    stats[name] = { mean: (await m.data()) as Float32Array, variance: (await v.data()) as Float32Array };
  }
  tf.dispose(Object.values(kept).flat());
  const meanLogits = tf.tidy(() => tf.mean(logits, 0));
  const out = { stats, meanLogits: (await meanLogits.data()) as Float32Array };
  tf.dispose([logits, meanLogits]);
  return out;
}

Deno.test("initialisation", async (t) => {
  await t.step(
    "He-normal kernels: sample variance 2/fan_in (closed form), classifier 1/K, biases 0",
    async () => {
      const model = createModel("vgg16-gap", {
        inputShape: [32, 32, 1],
        numClasses: 2,
        widthMultiplier: 0.25,
      });
      try {
        const w = await getWeights(model);
        // conv1_2: 3x3 over 16 channels, 16 filters → fan_in 144, 2304 draws; conv5_3: 3x3x128, 147,456 draws.
        for (const [name, fanIn] of [["conv1_2", 3 * 3 * 16], ["conv5_3", 3 * 3 * 128]] as const) {
          const k = w[`${name}/kernel`];
          const variance = k.reduce((s, x) => s + x * x, 0) / k.length;
          const expected = 2 / fanIn;
          // Sample variance of n normal draws: relative standard error √(2/n) (≤ 3% here); allow 4 of them.
          const tolerance = 4 * Math.sqrt(2 / k.length);
          assert.ok(Math.abs(variance / expected - 1) < tolerance, `${name}: ${variance} vs ${expected}`);
          assert.ok(w[`${name}/bias`].every((b) => b === 0));
        }
        const c = w["classifier/kernel"];
        const k = c.length / 2;
        const variance = c.reduce((s, x) => s + x * x, 0) / c.length;
        assert.ok(
          Math.abs(variance * k - 1) < 4 * Math.sqrt(2 / c.length),
          `classifier ${variance} vs ${1 / k}`,
        );
      } finally {
        model.dispose();
      }
    },
  );

  for (const name of ["googlenet-gap", "alexnet-gap", "small-gmp"]) {
    await t.step(
      `initFromData (${name}): each conv's pre-activation has mean 0, variance 1 per channel`,
      async () => {
        const size = name.startsWith("alexnet") ? 67 : 32;
        const model = createModel(name, {
          inputShape: [size, size, 1],
          numClasses: 3,
          widthMultiplier: name.startsWith("small") ? 0.25 : 1 / 16,
          seed: 3,
        });
        const images = seededImages([24, size, size, 1], 7);
        try {
          const before = await preStats(model, images);
          const record = await initFromData(model, images);
          const convs = Object.keys(before.stats);
          assert.equal(record.layers, convs.length);
          assert.equal(record.samples, 24);
          assert.deepEqual(Object.keys(record.gains), convs);
          // The first conv's gain is the mean of √(var + ε) of its pre-activation before the rescale.
          const v0 = before.stats[convs[0]].variance;
          const gain0 = v0.reduce((s, v) => s + Math.sqrt(v + 1e-5), 0) / v0.length;
          assert.ok(Math.abs(record.gains[convs[0]] / gain0 - 1) < 1e-4);

          const after = await preStats(model, images);
          for (const [layer, { mean, variance }] of Object.entries(after.stats)) {
            for (let c = 0; c < mean.length; c++) {
              // A channel that is constant on the batch (variance 0 before) stays at mean 0, variance 0.
              const wasConstant = before.stats[layer].variance[c] < 1e-9;
              assert.ok(Math.abs(mean[c]) < 2e-3, `${layer}[${c}] mean ${mean[c]}`);
              if (!wasConstant) {
                assert.ok(Math.abs(variance[c] - 1) < 2e-3, `${layer}[${c}] variance ${variance[c]}`);
              }
            }
          }
          for (const m of after.meanLogits) {
            assert.ok(Math.abs(m) < 1e-4, `mean logit ${m}`);
          }
        } finally {
          images.dispose();
          model.dispose();
        }
      },
    );
  }

  await t.step(
    "initFromData leaves batch-norm convs alone (alexnet-bn-gap: only the classifier bias moves)",
    async () => {
      const model = createModel("alexnet-bn-gap", {
        inputShape: [67, 67, 1],
        numClasses: 2,
        widthMultiplier: 1 / 16,
      });
      const images = seededImages([8, 67, 67, 1], 2);
      try {
        const before = await getWeights(model);
        const record = await initFromData(model, images);
        assert.equal(record.layers, 0);
        const after = await getWeights(model);
        for (const key of Object.keys(before)) {
          if (key === "classifier/bias") continue;
          assert.deepEqual(after[key], before[key], key);
        }
      } finally {
        images.dispose();
        model.dispose();
      }
    },
  );

  await t.step('init option: "he" by default, "data" kept in the config, anything else a ModelError', () => {
    const size: [number, number, number] = [32, 32, 1];
    const he = createModel("googlenet-gap", { inputShape: size, widthMultiplier: 1 / 16 });
    const data = createModel("googlenet-gap", { inputShape: size, widthMultiplier: 1 / 16, init: "data" });
    try {
      assert.equal(he.config.init, "he");
      assert.equal(data.config.init, "data");
    } finally {
      he.dispose();
      data.dispose();
    }
    assert.throws(
      () => createModel("googlenet-gap", { inputShape: size, init: "glorot" as "he" }),
      (e) => e instanceof ModelError && /init must be "he" or "data"/.test(e.message),
    );
  });
});
