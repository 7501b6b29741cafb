import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { initBackend, registerWasmTrainingKernels } from "../../lib/backend/mod.ts";
import { sameAsCpu } from "./_grad_check.ts";

/** [label, input shapes, axis]. */
const CASES: [string, number[][], number][] = [
  ["inception channel concat (4 parts)", [64, 128, 32, 32].map((c) => [4, 14, 14, c]), 3],
  ["channels, axis -1, odd widths", [[3, 5, 4, 7], [3, 5, 4, 5], [3, 5, 4, 9]], -1],
  ["axis 1 (rows)", [[2, 4, 3, 2], [2, 5, 3, 2]], 1],
  ["axis 0 (batch: one block per part)", [[3, 4, 4, 2], [5, 4, 4, 2]], 0],
  ["2-D along columns", [[30, 7], [30, 5]], 1],
  ["1-D", [[7], [3], [5]], 0],
  ["an empty part among others", [[2, 3, 3, 4], [2, 3, 3, 0], [2, 3, 3, 3]], 3],
];

Deno.test("Concat and SplitV as wasm-heap copies equal the cpu backend bit for bit", async (t) => {
  await import("@tensorflow/tfjs-backend-cpu");
  await initBackend({ backend: "wasm", native: false }).catch(() => undefined);
  await tf.setBackend("wasm");
  registerWasmTrainingKernels();
  const before = { tensors: tf.memory().numTensors, buffers: tf.memory().numDataBuffers };

  await t.step("values and gradients (the gradient of concat is SplitV)", async () => {
    for (const [label, shapes, axis] of CASES) {
      await sameAsCpu(`heap concat ${label}`, (...xs) => tf.concat(xs, axis), shapes, { seed: 4, tol: 0 });
    }
  });

  await t.step(
    "tf.split by sizes, by count, with an empty part; int32 goes to the stock kernels",
    async () => {
      await tf.setBackend("wasm");
      const x = tf.randomNormal([4, 28, 28, 96], 0, 1, "float32", 3);
      const parts = tf.split(x, [32, 0, 48, 16], 3);
      assert.deepEqual(parts.map((p) => p.shape[3]), [32, 0, 48, 16]);
      for (const [i, b] of [[0, 0], [2, 32], [3, 80]]) {
        const want = tf.slice(x, [0, 0, 0, b], parts[i].shape);
        assert.deepEqual(await parts[i].data(), await want.data());
        want.dispose();
      }
      const quarters = tf.split(x, 4, 1);
      for (let i = 0; i < 4; i++) {
        const want = tf.slice(x, [0, 7 * i, 0, 0], [4, 7, 28, 96]);
        assert.deepEqual(await quarters[i].data(), await want.data());
        want.dispose();
      }
      const a = tf.tensor2d([[1, 2], [3, 4]], [2, 2], "int32"), b = tf.tensor2d([[5], [6]], [2, 1], "int32");
      const ab = tf.concat([a, b], 1);
      assert.deepEqual(Array.from(await ab.data()), [1, 2, 5, 3, 4, 6]);
      tf.dispose([x, ...parts, ...quarters, a, b, ab]);
    },
  );

  await t.step("no tensors or wasm buffers leak", async () => {
    await tf.setBackend("wasm");
    assert.equal(tf.memory().numTensors, before.tensors, "tensors");
    assert.equal(tf.memory().numDataBuffers, before.buffers, "wasm buffers");
  });
});
