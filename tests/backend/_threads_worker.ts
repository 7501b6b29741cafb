/// <reference lib="deno.worker" />
/** Runs in its own isolate: starts the threaded wasm build and checks conv gradients against cpu. */
import * as tf from "../../lib/tf.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { forwardAndGrads, randn, relErr } from "./_grad_check.ts";

self.onmessage = async () => {
  try {
    await import("@tensorflow/tfjs-backend-cpu");
    const info = await initBackend({ backend: "wasm", threads: 2 });
    const f = (x: tf.Tensor, w: tf.Tensor) =>
      tf.maxPool(tf.relu(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "same")), 2, 2, "valid");
    const inputs = [
      { shape: [4, 16, 16, 8], values: randn(4 * 16 * 16 * 8, 1) },
      { shape: [3, 3, 8, 16], values: randn(3 * 3 * 8 * 16, 2) },
    ];
    const a = await forwardAndGrads("wasm", f, inputs);
    const b = await forwardAndGrads("cpu", f, inputs);
    self.postMessage({
      threads: info.threads,
      reason: info.tried.at(-1)?.reason,
      errors: a.map((v, i) => relErr(v, b[i])),
    });
  } catch (e) {
    self.postMessage({ error: String(e) });
  }
};
