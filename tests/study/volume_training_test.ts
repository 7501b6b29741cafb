/**
 * The 3-D study's fit loop (lib/study/_volume_training.ts): with `poolNorm` the head trains on standardised
 * pooled features and is folded back into the model's plain head; checked against the closed form with the
 * weights frozen (learning rate 0), for a classifier and a regressor; and the 2.5D slice regressor's
 * predictions ŷ = s·out + m.
 */
import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import "@tensorflow/tfjs-backend-cpu";
import { initBackend } from "../../lib/backend/mod.ts";
import { createModel3d, type ZooModel3d } from "../../lib/models/mod.ts";
import { trainVolumes, type VolumeSample, volumeTensor } from "../../lib/study/_volume_training.ts";

await initBackend({ backend: "cpu" });

function volumes(n: number, d: number): VolumeSample[] {
  let a = 7;
  const rand = () => ((a = (Math.imul(a, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  return Array.from({ length: n }, (_, i) => ({
    volume: Float32Array.from({ length: d ** 3 }, rand),
    shape: [d, d, d] as const,
    label: i % 2,
    age: 10 + 5 * i,
    subject: `s${i}`,
    acquisition: "a",
  }));
}

/** GAP features [n, K] and head outputs [n, outputs] of the model on the samples. */
async function pass(model: ZooModel3d, samples: VolumeSample[]) {
  const x = volumeTensor(samples);
  const [f, y] = tf.tidy(() => {
    const out = model.apply(x);
    return [tf.mean(out.features, [1, 2, 3]), out.logits];
  });
  const result = { features: (await f.array()) as number[][], outputs: (await y.array()) as number[][] };
  tf.dispose([x, f, y]);
  return result;
}

Deno.test("poolNorm folds the standardised head into the plain one: u = (F − μ)/√(σ² + ε)·W", async (t) => {
  const samples = volumes(6, 8);
  for (const head of ["classify", "regress"] as const) {
    await t.step(head, async () => {
      const model = createModel3d("small3d-gap", {
        inputShape: [8, 8, 8, 1],
        widthMultiplier: 0.25,
        head,
        targetMean: 30,
        targetScale: 10,
        seed: 1,
      });
      try {
        const w0 = (await model.trainable["head/kernel"].array()) as number[][];
        const before = tf.memory().numTensors;
        // Learning rate 0: the convs and the standardised head (W = the initial head, b = 0) stay as they are.
        await trainVolumes(model, samples, {
          epochs: 1,
          batchSize: 4,
          learningRate: 0,
          seed: 0,
          augment: false,
          poolNorm: true,
        });
        assert.equal(tf.memory().numTensors, before, "no tensors left behind");
        const { features, outputs } = await pass(model, samples);
        const k = features[0].length, n = features.length;
        const mean = Array.from({ length: k }, (_, j) => features.reduce((s, f) => s + f[j], 0) / n);
        const variance = Array.from(
          { length: k },
          (_, j) => features.reduce((s, f) => s + (f[j] - mean[j]) ** 2, 0) / n,
        );
        for (let i = 0; i < n; i++) {
          for (let c = 0; c < w0[0].length; c++) {
            let u = 0;
            for (let j = 0; j < k; j++) {
              u += ((features[i][j] - mean[j]) / Math.sqrt(variance[j] + 1e-8)) * w0[j][c];
            }
            const expected = head === "regress" ? 10 * u + 30 : u;
            const tolerance = 1e-3 * Math.max(1, Math.abs(expected));
            assert.ok(
              Math.abs(outputs[i][c] - expected) < tolerance,
              `${i},${c}: ${outputs[i][c]} vs ${expected}`,
            );
          }
        }
      } finally {
        model.dispose();
      }
    });
  }
});

Deno.test("with augmentation, the batch-norm statistics are re-estimated on clean volumes after every epoch", async () => {
  const samples = volumes(6, 8);
  const make = () =>
    createModel3d("small3d-gap", {
      inputShape: [8, 8, 8, 1],
      widthMultiplier: 0.25,
      batchNorm: true,
      seed: 2,
    });
  const model = make(), oracle = make();
  try {
    // Learning rate 0: the weights stay; training augments (flips), so only the re-estimate can leave the
    // first batch-norm layer's moving mean at the clean volumes' mean (two equal batches of 3: the mean of
    // their means is the mean over all 6, which one momentum-1 pass over all 6 leaves in the oracle).
    await trainVolumes(model, samples, {
      epochs: 1,
      batchSize: 3,
      learningRate: 0,
      seed: 0,
      augment: { flip: { probability: 1 } },
    });
    const x = volumeTensor(samples);
    tf.tidy(() => void oracle.apply(x, { training: true, bnMomentum: 1 }));
    x.dispose();
    const first = Object.keys(model.state).find((k) => k.endsWith("/moving_mean"))!;
    const got = await model.state[first].data(), want = await oracle.state[first].data();
    for (let i = 0; i < want.length; i++) {
      assert.ok(Math.abs(got[i] - want[i]) < 1e-5 * (1 + Math.abs(want[i])));
    }
  } finally {
    model.dispose();
    oracle.dispose();
  }
});
