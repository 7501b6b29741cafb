/**
 * The 3-D zoo on the default backend (wasm, its 3-D convs fused with bias and ReLU on oneDNN where it loads:
 * lib/backend/fused_conv3d.ts) against the cpu backend (stock tf ops, tf.grad's gradients): the same seeded
 * model's logits and the gradient of a training loss with respect to every trainable variable.
 */
import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { initBackend, nativeKernelCounts } from "../../lib/backend/mod.ts";
import { createModel3d } from "../../lib/models/mod.ts";
import { randn, relErr } from "../backend/_grad_check.ts";

await import("@tensorflow/tfjs-backend-cpu");
const info = await initBackend({ backend: "wasm" });

/** Logits, then d(loss)/d(variable) for every trainable variable in name order, on `backend`. */
async function logitsAndGrads(backend: string, name: string, shape: number[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const model = createModel3d(name, { inputShape: [shape[1], shape[2], shape[3], 1], seed: 5 });
  const x = tf.tensor(randn(shape.reduce((a, b) => a * b, 1), 3), shape);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1], "int32"), 2));
  const logits = tf.tidy(() => model.apply(x, { training: true }).logits);
  const names = Object.keys(model.trainable).sort();
  const { grads, value } = tf.variableGrads(
    () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }).logits) as tf.Scalar,
    names.map((n) => model.trainable[n]),
  );
  const out = [await logits.data() as Float32Array];
  for (const n of names) out.push(await grads[model.trainable[n].name].data() as Float32Array);
  tf.dispose([x, y, logits, value, ...Object.values(grads)]);
  model.dispose();
  return out;
}

Deno.test("3-D zoo on wasm (fused conv + bias + ReLU) matches the cpu backend: logits and every gradient", async (t) => {
  assert.equal(info.name, "wasm");
  for (const name of ["small3d-gap", "resnet3d-gmp"]) {
    await t.step(name, async () => {
      nativeKernelCounts({ reset: true });
      const before = tf.memory().numTensors;
      const wasm = await logitsAndGrads("wasm", name, [2, 12, 8, 16, 1]);
      const counts = nativeKernelCounts();
      const fusedCalls = counts[name.startsWith("small3d") ? "FusedConv3DMaxPool" : "FusedConv3D"];
      await tf.setBackend("wasm");
      assert.equal(tf.memory().numTensors, before, "no tensors leak on wasm");
      const cpu = await logitsAndGrads("cpu", name, [2, 12, 8, 16, 1]);
      assert.ok(fusedCalls != null && fusedCalls.dnnl + fusedCalls.fallback > 0, "the fused kernel ran");
      for (let i = 0; i < cpu.length; i++) {
        const err = relErr(wasm[i], cpu[i]);
        assert.ok(err <= 1e-4, `${name}: ${i === 0 ? "logits" : `gradient ${i}`} differ by ${err}`);
      }
    });
  }
  await t.step("a captured conv before a pool runs unpooled: the same logits, conv1 as on cpu", async () => {
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const model = createModel3d("small3d-gap", { inputShape: [8, 8, 8, 1], seed: 2 });
      const x = tf.tensor(randn(2 * 8 * 8 * 8, 4), [2, 8, 8, 8, 1]);
      const plain = model.apply(x);
      const tapped = model.apply(x, { capture: ["conv1"] });
      const out = [
        await plain.logits.data(),
        await tapped.logits.data(),
        await tapped.activations.conv1.data(),
      ] as Float32Array[];
      tf.dispose([x, plain.logits, plain.features, tapped.logits, tapped.features, tapped.activations.conv1]);
      model.dispose();
      return out;
    };
    const [plain, tapped, conv1] = await run("wasm");
    const cpu = await run("cpu");
    assert.ok(relErr(plain, tapped) <= 1e-6, "logits with and without the capture");
    assert.ok(relErr(conv1, cpu[2]) <= 1e-5, "conv1 as on cpu");
    assert.ok(relErr(plain, cpu[0]) <= 1e-5, "logits as on cpu");
  });
  await tf.setBackend("wasm");
});
