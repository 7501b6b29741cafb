import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { batchNorm, dropout, globalPool, lrn } from "../../lib/models/_layers.ts";
import { caffeLrn } from "../../lib/models/alexnet.ts";
import { maxAbsDiff, seededImages, setupBackend } from "./_setup.ts";

await setupBackend();

Deno.test("layer toolkit", async (t) => {
  await t.step("LRN is Caffe's b_c = a_c / (1 + (α/n) Σ_{|c'−c|≤2} a_{c'}²)^β", async () => {
    const x = seededImages([1, 2, 3, 7], 4);
    const got = await tf.tidy(() => lrn(tf.mul(x, 30) as tf.Tensor4D, caffeLrn("norm"))).data();
    const a = await tf.tidy(() => tf.mul(x, 30)).data();
    const want = new Float32Array(a.length);
    for (let p = 0; p < 6; p++) {
      for (let c = 0; c < 7; c++) {
        let s = 0;
        for (let d = Math.max(0, c - 2); d <= Math.min(6, c + 2); d++) s += a[p * 7 + d] ** 2;
        want[p * 7 + c] = a[p * 7 + c] / (1 + (1e-4 / 5) * s) ** 0.75;
      }
    }
    assert.ok(maxAbsDiff(got, want) < 1e-4, `${maxAbsDiff(got, want)}`);
    x.dispose();
  });
  await t.step("batch norm: batch statistics in training, moving ones in inference", async () => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 1, 2]); // channel 0: 1,3,5,7; channel 1: 2,4,6,8
    const vars = {
      gamma: tf.variable(tf.tensor1d([2, 1])),
      beta: tf.variable(tf.tensor1d([0, 1])),
      movingMean: tf.variable(tf.tensor1d([0, 0]), false),
      movingVariance: tf.variable(tf.tensor1d([1, 1]), false),
    };
    const train = await tf.tidy(() => batchNorm(x, vars, { training: true, momentum: 0.1, epsilon: 0 }))
      .data();
    const s = Math.sqrt(5); // biased σ² of 1,3,5,7 is 5
    const z = [-3 / s, -1 / s, 1 / s, 3 / s];
    assert.ok(maxAbsDiff(train, z.flatMap((v) => [2 * v, v + 1])) < 1e-5);
    // m ← 0.9·0 + 0.1·μ; v ← 0.9·1 + 0.1·σ²·n/(n−1) with σ²·4/3 = 20/3.
    assert.ok(maxAbsDiff(await vars.movingMean.data(), [0.4, 0.5]) < 1e-6);
    assert.ok(maxAbsDiff(await vars.movingVariance.data(), [0.9 + 2 / 3, 0.9 + 2 / 3]) < 1e-5);
    const infer = await tf.tidy(() => batchNorm(x, vars, { training: false, momentum: 0.1, epsilon: 0 }))
      .data();
    const sd = Math.sqrt(0.9 + 2 / 3);
    assert.ok(
      maxAbsDiff(
        infer,
        [1, 2, 3, 4, 5, 6, 7, 8].map((v, i) => i % 2 === 0 ? 2 * (v - 0.4) / sd : (v - 0.5) / sd + 1),
      ) < 1e-5,
    );
    tf.dispose([x, ...Object.values(vars)]);
  });
  await t.step("global pooling: mean or max over the map", async () => {
    const x = tf.tensor4d([1, -2, 3, 4, 5, -6, 7, 8], [1, 2, 2, 2]);
    assert.deepEqual([...await tf.tidy(() => globalPool(x, "gap")).data()], [4, 1]);
    assert.deepEqual([...await tf.tidy(() => globalPool(x, "gmp")).data()], [7, 8]);
    x.dispose();
  });
  await t.step("dropout keeps units with probability 1 − p and scales them by 1/(1 − p)", async () => {
    const x = tf.ones([100, 100]) as tf.Tensor2D;
    let state = 1;
    const rand = () => (state = (state * 16807) % 2147483647) / 2147483647;
    const y = await tf.tidy(() => dropout(x, 0.25, rand)).data();
    const kept = y.filter((v) => v !== 0);
    assert.ok(kept.every((v) => Math.abs(v - 4 / 3) < 1e-6));
    assert.ok(Math.abs(kept.length / y.length - 0.75) < 0.02);
    assert.equal(dropout(x, 0, rand), x);
    x.dispose();
  });
});
