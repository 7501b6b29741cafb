import { needs } from "../_skip.ts";
import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { initBackend, registerWasmTrainingKernels } from "../../lib/backend/mod.ts";
import { type Dnnl, dnnlUnavailableReason, loadDnnl } from "../../lib/native/mod.ts";
import { nativeKernelCounts, registerNativeKernels } from "../../lib/backend/native_kernels.ts";
import { sameAsCpu } from "./_grad_check.ts";

/** [label, input shapes, axis]: every case at or above MIN_NATIVE_CONCAT elements in all. */
const CASES: [string, number[][], number][] = [
  ["inception channel concat (4 parts)", [[4, 14, 14, 64], [4, 14, 14, 128], [4, 14, 14, 32], [
    4,
    14,
    14,
    32,
  ]], 3],
  ["channels, axis -1, odd widths", [[8, 17, 13, 7], [8, 17, 13, 5], [8, 17, 13, 9]], -1],
  ["axis 1 (rows)", [[2, 40, 30, 16], [2, 25, 30, 16]], 1],
  ["axis 0 (batch)", [[3, 20, 20, 16], [5, 20, 20, 16]], 0],
  ["2-D along columns", [[300, 77], [300, 51]], 1],
  ["an empty part among others", [[4, 30, 30, 20], [4, 30, 30, 0], [4, 30, 30, 12]], 3],
];

const probe = loadDnnl({ threads: 2 });
const needDnnl = needs(probe != null, `oneDNN (libdnnl2; ${dnnlUnavailableReason})`, { inCi: true });

Deno.test({
  name: "Concat and SplitV as oneDNN reorders equal the cpu backend exactly" + needDnnl.label,
  ignore: needDnnl.ignore,
}, async (t) => {
  const dnnl: Dnnl = probe!;
  await import("@tensorflow/tfjs-backend-cpu");
  await initBackend({ backend: "wasm" }).catch(() => undefined);
  await tf.setBackend("wasm");
  registerWasmTrainingKernels();
  registerNativeKernels({ dnnl });
  const before = { tensors: tf.memory().numTensors, buffers: tf.memory().numDataBuffers };

  await t.step("values and gradients (the gradient of concat is SplitV), bit for bit", async () => {
    nativeKernelCounts({ reset: true });
    for (const [label, shapes, axis] of CASES) {
      await sameAsCpu(`dnnl concat ${label}`, (...xs) => tf.concat(xs, axis), shapes, { seed: 4, tol: 0 });
    }
    const c = nativeKernelCounts();
    assert.equal(c.Concat?.dnnl, CASES.length * 2, `Concat on oneDNN ${JSON.stringify(c.Concat)}`);
    assert.equal(c.SplitV?.dnnl, CASES.length, `SplitV on oneDNN ${JSON.stringify(c.SplitV)}`);
  });

  await t.step("tf.split with sizes and with a count (4 along H), on oneDNN, equals slices", async () => {
    await tf.setBackend("wasm");
    nativeKernelCounts({ reset: true });
    const x = tf.randomNormal([4, 28, 28, 96], 0, 1, "float32", 3);
    const parts = tf.split(x, [32, 48, 16], 3);
    const quarters = tf.split(x, 4, 1);
    for (const [i, [b, s]] of [[0, 32], [32, 48], [80, 16]].entries()) {
      const want = tf.slice(x, [0, 0, 0, b], [4, 28, 28, s]);
      assert.deepEqual(await parts[i].data(), await want.data());
      want.dispose();
    }
    for (let i = 0; i < 4; i++) {
      const want = tf.slice(x, [0, 7 * i, 0, 0], [4, 7, 28, 96]);
      assert.deepEqual(quarters[i].shape, [4, 7, 28, 96]);
      assert.deepEqual(await quarters[i].data(), await want.data());
      want.dispose();
    }
    tf.dispose([x, ...parts, ...quarters]);
    assert.equal(nativeKernelCounts().SplitV?.dnnl, 2);
  });

  await t.step("small tensors stay on wasm", async () => {
    nativeKernelCounts({ reset: true });
    await sameAsCpu("small concat", (a, b) => tf.concat([a, b], 3), [[2, 4, 4, 3], [2, 4, 4, 5]], { tol: 0 });
    const c = nativeKernelCounts();
    assert.equal(c.Concat?.dnnl ?? 0, 0);
    assert.ok(c.Concat?.fallback > 0);
  });

  await t.step("no tensors or wasm buffers leak", async () => {
    await tf.setBackend("wasm");
    assert.equal(tf.memory().numTensors, before.tensors, "tensors");
    assert.equal(tf.memory().numDataBuffers, before.buffers, "wasm buffers");
    registerNativeKernels(null);
  });
});
