import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { activeNative, nativeKernelCounts } from "../../lib/backend/mod.ts";
import { createModel } from "../../lib/models/mod.ts";
import { seededImages, setupBackend } from "./_setup.ts";
import { relErr } from "../backend/_grad_check.ts";

const backend = await setupBackend();

/** Runs `f` with the backend's FusedConv2D kernel unregistered: the zoo then composes conv → add → relu. */
async function unfused<T>(f: () => Promise<T>): Promise<T> {
  const name = tf.getBackend();
  const kernel = tf.getKernel("FusedConv2D", name)!;
  tf.unregisterKernel("FusedConv2D", name);
  try {
    return await f();
  } finally {
    tf.registerKernel(kernel);
  }
}

/** Logits, every conv layer's (captured) output, the loss and every gradient of one training step. */
async function forwardAndGrads(name: string) {
  const model = createModel(name, {
    inputShape: [32, 32, 1],
    widthMultiplier: 1 / 8,
    numClasses: 2,
    seed: 4,
  });
  const x = seededImages([3, 32, 32, 1], 9);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([1, 0, 1], "int32"), 2));
  const { logits, activations } = model.apply(x, { capture: model.convLayers });
  const taps: Record<string, Float32Array> = {};
  for (const [k, t] of Object.entries(activations)) taps[k] = await t.data() as Float32Array;
  const { value, grads } = tf.variableGrads(() =>
    tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }).logits) as tf.Scalar
  );
  const out = {
    logits: await logits.data() as Float32Array,
    taps,
    loss: (await value.data())[0],
    grads: {} as Record<string, Float32Array>,
    variables: Object.keys(model.trainable),
  };
  for (const [k, v] of Object.entries(model.trainable)) {
    out.grads[k] = await grads[v.name].data() as Float32Array;
  }
  tf.dispose([x, y, logits, value, ...Object.values(activations), ...Object.values(grads)]);
  model.dispose();
  return out;
}

for (const name of ["small-gap", "googlenet-gap"]) {
  Deno.test(`${name}: fused conv + bias + ReLU (inference) gives the composed logits and taps; gradients unchanged`, async () => {
    assert.ok(tf.getKernel("FusedConv2D", backend), `${backend} has FusedConv2D`);
    const before = tf.memory().numTensors;
    nativeKernelCounts({ reset: true });
    const fused = await forwardAndGrads(name);
    if (backend === "wasm" && activeNative().dnnl) {
      // The fused path ran (inference: conv + bias + ReLU on oneDNN).
      const calls = nativeKernelCounts().FusedConv2D;
      assert.ok(calls != null && calls.dnnl > 0, `FusedConv2D on oneDNN: ${JSON.stringify(calls)}`);
    }
    assert.equal(tf.memory().numTensors, before, "leaked tensors");
    const composed = await unfused(() => forwardAndGrads(name));
    assert.ok(fused.variables.length > 2 && Object.keys(fused.taps).length > 2);
    assert.deepEqual(fused.logits, composed.logits, "logits");
    for (const k of Object.keys(composed.taps)) assert.deepEqual(fused.taps[k], composed.taps[k], `tap ${k}`);
    assert.equal(fused.loss, composed.loss);
    for (const k of fused.variables) assert.deepEqual(fused.grads[k], composed.grads[k], `gradient of ${k}`);
    if (backend !== "cpu") {
      await import("@tensorflow/tfjs-backend-cpu");
      await tf.setBackend("cpu");
      const cpu = await forwardAndGrads(name);
      await tf.setBackend(backend);
      assert.ok(
        relErr(fused.logits, cpu.logits) <= 1e-5,
        `logits vs cpu ${relErr(fused.logits, cpu.logits)}`,
      );
      for (const k of fused.variables) {
        const err = relErr(fused.grads[k], cpu.grads[k]);
        assert.ok(err <= 1e-4, `gradient of ${k} differs from cpu by ${err}`);
      }
    }
  });
}
