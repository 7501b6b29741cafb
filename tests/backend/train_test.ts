import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { randn, relErr } from "./_grad_check.ts";

/** A tiny conv net: conv3x3(4, same)-BN-ReLU-maxpool2 → conv3x3(8, stride 2)-ReLU → GAP → dense(2). */
function tinyNet(values: Float32Array[]) {
  const shapes = [[3, 3, 1, 4], [4], [4], [4], [3, 3, 4, 8], [8], [8, 2], [2]];
  const names = ["c1", "gamma", "beta", "b1", "c2", "b2", "fc", "fcb"];
  const params = Object.fromEntries(
    shapes.map((
      s,
      i,
    ) => [names[i], tf.variable(tf.tensor(values[i].map((v) => v * 0.5), s), true, names[i])]),
  ) as Record<string, tf.Variable>;
  const logits = (x: tf.Tensor4D) =>
    tf.tidy(() => {
      let h: tf.Tensor = tf.conv2d(x, params.c1 as tf.Tensor4D, 1, "same");
      const { mean, variance } = tf.moments(h, [0, 1, 2]);
      h = tf.batchNorm(h, mean, variance, params.beta, params.gamma, 1e-3);
      h = tf.maxPool(tf.relu(tf.add(h, params.b1)) as tf.Tensor4D, 2, 2, "valid");
      h = tf.relu(tf.add(tf.conv2d(h as tf.Tensor4D, params.c2 as tf.Tensor4D, 2, "same"), params.b2));
      return tf.add(
        tf.matMul(tf.mean(h, [1, 2]) as tf.Tensor2D, params.fc as tf.Tensor2D),
        params.fcb,
      ) as tf.Tensor2D;
    });
  return { params, logits };
}

async function gradsOn(backend: string, init: Float32Array[], xv: Float32Array, labels: number[]) {
  await tf.setBackend(backend);
  const net = tinyNet(init);
  const x = tf.tensor4d(xv, [4, 8, 8, 1]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), 2));
  const { value, grads } = tf.variableGrads(() =>
    tf.losses.softmaxCrossEntropy(y, net.logits(x)) as tf.Scalar
  );
  const out = { loss: (await value.data())[0], grads: {} as Record<string, Float32Array> };
  for (const [k, g] of Object.entries(grads)) out.grads[k] = await g.data() as Float32Array;
  tf.dispose([x, y, value, ...Object.values(grads), ...Object.values(net.params)]);
  return out;
}

Deno.test("a tiny conv net trains on wasm with the cpu backend's gradients", async (t) => {
  await import("@tensorflow/tfjs-backend-cpu");
  await initBackend({ backend: "wasm" }).catch(() => undefined);
  await tf.setBackend("wasm");
  const shapes = [36, 4, 4, 4, 288, 8, 16, 2];
  const init = shapes.map((n, i) => randn(n, 100 + i));
  const xv = randn(4 * 8 * 8, 3);
  const labels = [0, 1, 1, 0];

  await t.step("gradients of every variable equal cpu's to 1e-5", async () => {
    const a = await gradsOn("wasm", init, xv, labels);
    const b = await gradsOn("cpu", init, xv, labels);
    assert.ok(Math.abs(a.loss - b.loss) < 1e-5, `loss ${a.loss} vs ${b.loss}`);
    for (const k of Object.keys(b.grads)) {
      const err = relErr(a.grads[k], b.grads[k]);
      assert.ok(err <= 1e-5, `gradient of ${k} differs from cpu by ${err}`);
    }
  });

  await t.step("a few Adam steps on wasm decrease the loss, without leaking", async () => {
    await tf.setBackend("wasm");
    const net = tinyNet(init);
    const x = tf.tensor4d(xv, [4, 8, 8, 1]);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels, "int32"), 2));
    const before = tf.memory().numTensors;
    const opt = tf.train.adam(0.05);
    const losses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, net.logits(x)) as tf.Scalar, true)!;
      losses.push((await loss.data())[0]);
      loss.dispose();
    }
    assert.ok(losses.at(-1)! < losses[0] * 0.7, `loss did not decrease: ${losses.map((l) => l.toFixed(3))}`);
    opt.dispose();
    assert.equal(tf.memory().numTensors, before, "training steps leak tensors");
    tf.dispose([x, y, ...Object.values(net.params)]);
  });
});
