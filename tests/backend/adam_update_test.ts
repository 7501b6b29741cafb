import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { initBackend, registerWasmTrainingKernels } from "../../lib/backend/mod.ts";
import { createOptimizer, type OptimizerOptions } from "../../lib/train/mod.ts";
import { randn } from "./_grad_check.ts";

/** `steps` Adam steps of one rank-2 and one rank-1 variable on `backend`; the final weights and slots. */
async function run(backend: string, options: OptimizerOptions, steps: number) {
  await tf.setBackend(backend);
  const vars = tf.tidy(() => ({
    kernel: tf.variable(tf.tensor2d(randn(6 * 5, 1), [6, 5])),
    bias: tf.variable(tf.tensor1d(randn(5, 2))),
  }));
  const opt = createOptimizer(options);
  const kernels = new Set<string>();
  for (let s = 0; s < steps; s++) {
    const grads = {
      // Gradients of very different sizes, zeros and a huge one: the rounding paths all differ.
      kernel: tf.tensor2d(randn(30, 10 + s).map((x, i) => (i % 7 === 0 ? 0 : x * 10 ** ((i % 9) - 4))), [
        6,
        5,
      ]),
      bias: tf.tensor1d(randn(5, 50 + s).map((x) => x * 1e3)),
    };
    const info = await tf.profile(() => opt.step(vars, grads, { learningRate: 1e-3 * (s + 1) }));
    for (const k of info.kernels) kernels.add(k.name);
    tf.dispose(Object.values(grads));
  }
  const state = await opt.getWeights();
  const out = {
    kernel: await vars.kernel.data() as Float32Array,
    bias: await vars.bias.data() as Float32Array,
    slots: state.slots,
    kernels,
  };
  opt.dispose();
  tf.dispose(Object.values(vars));
  return out;
}

Deno.test("AdamUpdate on wasm: one kernel per variable, bit for bit the cpu composition", async (t) => {
  await import("@tensorflow/tfjs-backend-cpu");
  await initBackend({ backend: "wasm" }).catch(() => undefined);
  registerWasmTrainingKernels();
  const before = tf.memory().numTensors;
  const cases: [string, OptimizerOptions][] = [
    ["plain", { name: "adam" }],
    ["L2 decay", { name: "adam", weightDecay: 0.1 }],
    ["decoupled decay (AdamW)", { name: "adam", weightDecay: 0.1, decoupledWeightDecay: true }],
    ["other constants", { name: "adam", beta1: 0.5, beta2: 0.9, epsilon: 1e-3 }],
  ];
  for (const [label, options] of cases) {
    await t.step(label, async () => {
      const wasm = await run("wasm", options, 4);
      const cpu = await run("cpu", options, 4);
      assert.ok(wasm.kernels.has("AdamUpdate"), "the fused kernel ran on wasm");
      assert.ok(!wasm.kernels.has("Sqrt"), "no composed op ran on wasm");
      assert.ok(!cpu.kernels.has("AdamUpdate"));
      assert.deepEqual(wasm.kernel, cpu.kernel);
      assert.deepEqual(wasm.bias, cpu.bias);
      assert.deepEqual(wasm.slots, cpu.slots);
    });
  }
  await t.step("nothing leaks", () => assert.equal(tf.memory().numTensors, before));
});
