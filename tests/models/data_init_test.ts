// Initialisation: He-normal kernels against the closed form, and data-dependent init (initFromData) against its
// definition — every conv without batch norm gets zero-mean, unit-variance pre-activations per channel on the
// batch, the logits are centred, and batch-norm convs are left alone.
import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import {
  createModel,
  createModel3d,
  getWeights,
  initFromData,
  ModelError,
  type ZooModel,
  type ZooModel3d,
} from "../../lib/models/mod.ts";
import { seededImages, setupBackend } from "./_setup.ts";

await setupBackend();

/** Per conv layer, the per-channel mean and (biased) variance of its pre-activation on `images`. */
async function preStats(model: ZooModel | ZooModel3d, images: tf.Tensor4D | tf.Tensor5D) {
  const stats: Record<string, { mean: Float32Array; variance: Float32Array }> = {};
  const kept: Record<string, [tf.Tensor, tf.Tensor]> = {};
  const visit = (name: string, z: tf.Tensor) => {
    const { mean, variance } = tf.moments(z, Array.from({ length: z.rank - 1 }, (_, i) => i));
    kept[name] = [tf.keep(mean), tf.keep(variance)];
  };
  const logits = images.rank === 5
    ? (model as ZooModel3d).visitPreActivations(images as tf.Tensor5D, visit)
    : (model as ZooModel).visitPreActivations(images as tf.Tensor4D, visit);
  for (const [name, [m, v]] of Object.entries(kept)) {
    stats[name] = { mean: (await m.data()) as Float32Array, variance: (await v.data()) as Float32Array };
  }
  tf.dispose(Object.values(kept).flat());
  const [meanLogits, sdLogits] = tf.tidy(() => {
    const { mean, variance } = tf.moments(logits, 0);
    return [mean, tf.sqrt(variance)];
  });
  const out = {
    stats,
    meanLogits: (await meanLogits.data()) as Float32Array,
    sdLogits: (await sdLogits.data()) as Float32Array,
  };
  tf.dispose([logits, meanLogits, sdLogits]);
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

  /** Volumes `[n, d, d, d, 1]` from the seeded sequence. */
  const seededVolumes = (n: number, d: number, seed: number) =>
    tf.tidy(() => tf.reshape(seededImages([n, d * d, d, 1], seed), [n, d, d, d, 1]) as tf.Tensor5D);

  for (const name of ["small3d-gap", "resnet3d-gmp"]) {
    await t.step(
      `initFromData (${name}, 3-D): each conv's pre-activation has mean 0, variance 1 per channel`,
      async () => {
        const model = createModel3d(name, {
          inputShape: [8, 8, 8, 1],
          numClasses: 3,
          widthMultiplier: 0.25,
          seed: 5,
        });
        const volumes = seededVolumes(12, 8, 9);
        try {
          const before = await preStats(model, volumes);
          const record = await initFromData(model, volumes);
          assert.equal(record.layers, Object.keys(before.stats).length);
          assert.ok(record.layers >= 3, `${record.layers} convs`);
          assert.equal(record.headScale, undefined);
          const after = await preStats(model, volumes);
          for (const [layer, { mean, variance }] of Object.entries(after.stats)) {
            for (let c = 0; c < mean.length; c++) {
              if (before.stats[layer].variance[c] < 1e-9) continue;
              assert.ok(Math.abs(mean[c]) < 2e-3, `${layer}[${c}] mean ${mean[c]}`);
              assert.ok(Math.abs(variance[c] - 1) < 2e-3, `${layer}[${c}] variance ${variance[c]}`);
            }
          }
          for (const m of after.meanLogits) assert.ok(Math.abs(m) < 1e-4, `mean logit ${m}`);
        } finally {
          volumes.dispose();
          model.dispose();
        }
      },
    );
  }

  await t.step(
    "initFromData, 3-D regression head with scaleLogits: mean prediction m, spread s (u = (ŷ − m)/s has sd 1)",
    async () => {
      const model = createModel3d("small3d-gap", {
        inputShape: [8, 8, 8, 1],
        head: "regress",
        targetMean: 40,
        targetScale: 20,
        widthMultiplier: 0.25,
        seed: 2,
      });
      const volumes = seededVolumes(10, 8, 4);
      try {
        const { sdLogits: sdBefore } = await preStats(model, volumes);
        const record = await initFromData(model, volumes, { scaleLogits: true });
        // The recorded σ = √(var(u) + ε), ε = 1e-5, of u = (ŷ − m)/s after the conv rescale.
        assert.equal(record.headScale!.length, 1);
        const after = await preStats(model, volumes);
        assert.ok(Math.abs(after.meanLogits[0] - 40) < 1e-3, `mean prediction ${after.meanLogits[0]}`);
        // After W, b ← W/σ, b/σ: sd(ŷ) = s · sd(u)/σ = 20 · √(σ² − ε)/σ ≈ 20 (biased sd over the batch).
        const sigma = record.headScale![0];
        const expected = 20 * Math.sqrt(sigma ** 2 - 1e-5) / sigma;
        assert.ok(
          Math.abs(after.sdLogits[0] / expected - 1) < 1e-3,
          `sd ${after.sdLogits[0]} vs ${expected}`,
        );
        assert.ok(sdBefore[0] > 0);
      } finally {
        volumes.dispose();
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
