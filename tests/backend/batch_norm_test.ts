import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { batchNormTraining, registerNativeKernels } from "../../lib/backend/mod.ts";
import { randn, relErr, sameAsCpu, wasmWith } from "./_grad_check.ts";

/** The stock composition the op replaces on wasm (and runs elsewhere), written out here as the oracle. */
function composed(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number) {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, Array.from({ length: x.rank - 1 }, (_, i) => i));
    const y = tf.add(tf.mul(tf.sub(x, mean), tf.mul(gamma, tf.rsqrt(tf.add(variance, epsilon)))), beta);
    return { y, mean, variance };
  });
}

/** The op with untyped-rank parameters, as the gradient checks pass them. */
const bn = (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, epsilon?: number) =>
  batchNormTraining(x, { gamma: g as tf.Tensor1D, beta: b as tf.Tensor1D }, { epsilon });

Deno.test("batchNormTraining: one wasm kernel forward and one backward, the cpu composition's values", async (t) => {
  // The wasm kernels themselves: the native libraries stay off until the end.
  const { tensors: before, native } = await wasmWith(null);
  try {
    // x, gamma, beta; the loss Σ y·r (+ Σ μ·s + Σ σ²·u when the statistics feed it too).
    const shapes: [string, number[]][] = [
      ["NHWC", [4, 5, 6, 3]],
      ["NDHWC", [2, 3, 4, 5, 2]],
      ["rank 2", [7, 4]],
      ["one value per channel", [1, 1, 1, 3]],
    ];
    for (const [label, shape] of shapes) {
      const c = shape[shape.length - 1];
      await t.step(`${label} [${shape}]: y and dx, dγ, dβ`, async () => {
        // On cpu the op is the composition itself; on wasm, the kernels.
        await sameAsCpu(`${label} y`, (x, g, b) => bn(x, g, b).y, [
          shape,
          [c],
          [c],
        ], { tol: 2e-5 });
      });
      await t.step(`${label}: gradients through the returned mean and variance`, async () => {
        await sameAsCpu(
          `${label} stats`,
          (x, g, b) => {
            const { y, mean, variance } = bn(x, g, b, 1e-5);
            const s = tf.tensor1d(randn(c, 3)), u = tf.tensor1d(randn(c, 5));
            return tf.add(tf.sum(y), tf.add(tf.sum(tf.mul(mean, s)), tf.sum(tf.mul(variance, u))));
          },
          [shape, [c], [c]],
          { tol: 2e-5 },
        );
      });
    }

    await t.step("the wasm op equals the stock composition on wasm, with an offset far from 0", async () => {
      await tf.setBackend("wasm");
      const shape = [8, 6, 6, 4];
      const values = randn(8 * 6 * 6 * 4, 21).map((v) => 1000 + 0.5 * v);
      const x = tf.tensor(values, shape), g = tf.tensor1d([1, 2, 0.5, -1]), b = tf.tensor1d([0, 1, -1, 3]);
      const got = bn(x, g, b);
      const want = composed(x, g, b, 1e-3);
      // Float64 accumulators: μ exact to float32; the stock float32 moments lose digits at offset 1000.
      const mean = got.mean.dataSync() as Float32Array;
      for (let j = 0; j < 4; j++) {
        let s = 0;
        for (let i = j; i < values.length; i += 4) s += values[i];
        assert.ok(Math.abs(mean[j] - s / (values.length / 4)) < 1e-4, `mean ${j}`);
      }
      assert.ok(relErr(got.y.dataSync() as Float32Array, want.y.dataSync() as Float32Array) < 1e-2);
      tf.dispose([x, g, b, got.y, got.mean, got.variance, want.y, want.mean, want.variance]);
    });

    await t.step(
      "closed form: two values per channel normalise to ∓1 (ε = 0), and their gradient",
      async () => {
        await tf.setBackend("wasm");
        const x = tf.tensor2d([[1, 10], [3, 30]]);
        const g = tf.tensor1d([2, 1]), b = tf.tensor1d([0.5, 0]);
        const { y, mean, variance } = bn(x, g, b, 0);
        assert.deepEqual([...y.dataSync()], [-1.5, -1, 2.5, 1]);
        assert.deepEqual([...mean.dataSync()], [2, 20]);
        assert.deepEqual([...variance.dataSync()], [1, 100]);
        // Σ y·w with w = [[1, 0], [0, 0]]: dβ = Σw = [1, 0], dγ = Σ w·x̂ = [−1, 0],
        // dx = γr(w − dβ/N − x̂·dγ/N) = 2·(1 − 0.5 − 0.5, 0 − 0.5 + 0.5) = [0, 0] in channel 0.
        const w = tf.tensor2d([[1, 0], [0, 0]]);
        const [dx, dg, db] = tf.grads((a, gg, bb) => tf.sum(tf.mul(bn(a, gg, bb, 0).y, w)))([x, g, b]);
        assert.deepEqual([...db.dataSync()], [1, 0]);
        assert.deepEqual([...dg.dataSync()], [-1, 0]);
        assert.deepEqual([...dx.dataSync()], [0, 0, 0, 0]);
        tf.dispose([x, g, b, y, mean, variance, w, dx, dg, db]);
      },
    );

    await t.step("the registered kernels are the op's path on wasm, and nothing leaks", () => {
      assert.ok(tf.getKernel("BatchNormTraining", "wasm"));
      assert.ok(tf.getKernel("BatchNormTrainingGrad", "wasm"));
      assert.equal(tf.getKernel("BatchNormTraining", "cpu"), undefined);
      assert.equal(tf.memory().numTensors, before);
    });
  } finally {
    registerNativeKernels(native);
  }
});
