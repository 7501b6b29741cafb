import { needs } from "../_skip.ts";
import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { initBackend, registerWasmTrainingKernels } from "../../lib/backend/mod.ts";
import { type Dnnl, dnnlUnavailableReason, loadDnnl } from "../../lib/native/mod.ts";
import { nativeKernelCounts, registerNativeKernels } from "../../lib/backend/native_kernels.ts";
import { randn, sameAsCpu } from "./_grad_check.ts";

/** [label, x shape, depthRadius, bias, alpha, beta]: odd and even channel counts, windows wider than C. */
const CASES: [string, number[], number, number, number, number][] = [
  ["GoogLeNet/Caffe (r 2, alpha 1e-4/5)", [2, 5, 6, 16], 2, 1, 2e-5, 0.75],
  ["odd channels, r 2, large alpha", [2, 4, 3, 7], 2, 1, 0.5, 0.75],
  ["even channels, r 1", [3, 3, 5, 8], 1, 2, 0.3, 0.5],
  ["odd channels, r 3, beta 1", [1, 6, 4, 9], 3, 1.5, 0.2, 1],
  ["window wider than the channels (r 5, C 4)", [2, 3, 4, 4], 5, 1, 0.25, 0.75],
  ["tfjs defaults (r 5, alpha 1)", [2, 3, 3, 12], 5, 1, 1, 0.5],
  ["one channel", [2, 4, 4, 1], 2, 1, 0.4, 0.75],
];

/** y = x / (bias + alpha Σ_{|c'−c| ≤ r} x_{c'}²)^beta in float64: the formula itself. */
function lrnReference(x: Float32Array, c: number, r: number, bias: number, alpha: number, beta: number) {
  const y = new Float64Array(x.length);
  for (let i = 0; i < x.length; i += c) {
    for (let k = 0; k < c; k++) {
      let s = 0;
      for (let j = Math.max(0, k - r); j <= Math.min(c - 1, k + r); j++) s += x[i + j] * x[i + j];
      y[i + k] = x[i + k] / Math.pow(bias + alpha * s, beta);
    }
  }
  return y;
}

const probe = loadDnnl({ threads: 2 });
const needDnnl = needs(probe != null, `oneDNN (libdnnl2; ${dnnlUnavailableReason})`, { inCi: true });

Deno.test({
  name: "LRN and LRNGrad on oneDNN match the cpu backend and the formula" + needDnnl.label,
  ignore: needDnnl.ignore,
}, async (t) => {
  const dnnl: Dnnl = probe!;
  await import("@tensorflow/tfjs-backend-cpu");
  await initBackend({ backend: "wasm" }).catch(() => undefined);
  await tf.setBackend("wasm");
  registerWasmTrainingKernels();
  registerNativeKernels({ dnnl });
  const before = { tensors: tf.memory().numTensors, buffers: tf.memory().numDataBuffers };

  await t.step(
    "forward and gradient vs cpu (tf.grad through localResponseNormalization), to 1e-5",
    async () => {
      nativeKernelCounts({ reset: true });
      for (const [label, shape, r, bias, alpha, beta] of CASES) {
        const f = (x: tf.Tensor) => tf.localResponseNormalization(x as tf.Tensor4D, r, bias, alpha, beta);
        await sameAsCpu(`dnnl LRN ${label}`, f, [shape], { seed: 3, tol: 1e-5 });
        // Values far from N(0, 1) (ReLU outputs up to ~40): the denominator's power is what matters.
        await sameAsCpu(`dnnl LRN ${label}, ReLU-like`, f, [shape], {
          seed: 9,
          tol: 1e-5,
          valuesOf: (v) => v.map((a) => Math.max(0, 10 * a)),
        });
      }
      const c = nativeKernelCounts();
      assert.equal(c.LRN?.dnnl, CASES.length * 2 * 2, `LRN on oneDNN ${JSON.stringify(c.LRN)}`);
      assert.equal(c.LRN?.fallback ?? 0, 0);
      assert.equal(c.LRNGrad?.dnnl, CASES.length * 2, `LRNGrad on oneDNN ${JSON.stringify(c.LRNGrad)}`);
      assert.equal(c.LRNGrad?.fallback ?? 0, 0);
    },
  );

  await t.step("oneDNN names its implementation; one plan per problem", () => {
    const p = { n: 2, h: 5, w: 6, c: 16, radius: 2, bias: 1, alpha: 2e-5, beta: 0.75 };
    for (const backward of [false, true]) {
      const impl = dnnl.lrnImplementation(p, backward);
      assert.ok(impl != null && impl.length > 0, `implementation ${impl}`);
    }
    const plans = dnnl.cachedPlans();
    dnnl.lrnImplementation(p, true);
    assert.equal(dnnl.cachedPlans(), plans);
  });

  await t.step("forward equals the formula in float64", async () => {
    for (const [label, shape, r, bias, alpha, beta] of CASES) {
      const values = randn(shape.reduce((a, b) => a * b, 1), 21);
      const x = tf.tensor4d(values, shape as [number, number, number, number]);
      const y = tf.localResponseNormalization(x, r, bias, alpha, beta);
      const got = await y.data();
      const want = lrnReference(values, shape[3], r, bias, alpha, beta);
      let err = 0;
      for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
      assert.ok(err < 2e-6, `${label}: |dnnl − formula| = ${err}`);
      tf.dispose([x, y]);
    }
  });

  await t.step("depthRadius 0 stays on wasm (oneDNN 2.6 crashes on local_size 1) and is right", async () => {
    nativeKernelCounts({ reset: true });
    await sameAsCpu(
      "LRN r 0",
      (x) => tf.localResponseNormalization(x as tf.Tensor4D, 0, 1, 0.7, 0.75),
      [[2, 3, 3, 6]],
      { seed: 3, tol: 1e-5 },
    );
    const c = nativeKernelCounts();
    assert.ok(c.LRN?.fallback > 0 && (c.LRN?.dnnl ?? 0) === 0, JSON.stringify(c.LRN));
    assert.ok(c.LRNGrad?.fallback > 0 && (c.LRNGrad?.dnnl ?? 0) === 0, JSON.stringify(c.LRNGrad));
  });

  await t.step("without oneDNN the wasm kernels run (fallback counted)", async () => {
    registerNativeKernels({});
    nativeKernelCounts({ reset: true });
    const [, shape, r, bias, alpha, beta] = CASES[1];
    await sameAsCpu(
      "wasm LRN fallback",
      (x) => tf.localResponseNormalization(x as tf.Tensor4D, r, bias, alpha, beta),
      [shape],
      { seed: 3, tol: 1e-5 },
    );
    const c = nativeKernelCounts();
    assert.ok(c.LRN?.fallback > 0 && (c.LRN?.dnnl ?? 0) === 0, JSON.stringify(c.LRN));
    assert.ok(c.LRNGrad?.fallback > 0 && (c.LRNGrad?.dnnl ?? 0) === 0, JSON.stringify(c.LRNGrad));
    registerNativeKernels({ dnnl });
  });

  await t.step("no tensors or wasm buffers leak", async () => {
    await tf.setBackend("wasm");
    assert.equal(tf.memory().numTensors, before.tensors, "tensors");
    assert.equal(tf.memory().numDataBuffers, before.buffers, "wasm buffers");
    registerNativeKernels(null);
  });
});
