import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { createOptimizer, learningRateAt, softmaxCrossEntropy } from "../../lib/train/mod.ts";
import { crossEntropy } from "../../lib/train/metrics.ts";
import { testBackend } from "./_synthetic.ts";

await testBackend();

function close(actual: ArrayLike<number>, expected: number[], eps = 1e-6) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= eps * Math.max(1, Math.abs(expected[i])),
      `${Array.from(actual)} vs ${expected}`,
    );
  }
}

Deno.test("optimizers", async (t) => {
  await t.step("Adam: two steps match the formula (float64 reference)", async () => {
    const w = tf.variable(tf.tensor2d([[1, -2]]));
    const opt = createOptimizer({ name: "adam", beta1: 0.9, beta2: 0.999, epsilon: 1e-8 });
    const g1 = [0.5, -1], g2 = [0.1, 0.3];
    let m = [0, 0], v = [0, 0];
    const ref = [1, -2];
    [g1, g2].forEach((g, s) => {
      const t1 = s + 1;
      m = m.map((mi, i) => 0.9 * mi + 0.1 * g[i]);
      v = v.map((vi, i) => 0.999 * vi + 0.001 * g[i] * g[i]);
      for (let i = 0; i < 2; i++) {
        ref[i] -= (0.01 * (m[i] / (1 - 0.9 ** t1))) / (Math.sqrt(v[i] / (1 - 0.999 ** t1)) + 1e-8);
      }
      tf.tidy(() => opt.step({ w }, { w: tf.tensor2d([g]) }, { learningRate: 0.01 }));
    });
    close(await w.data(), ref);
    assert.equal(opt.iteration, 2);
    opt.dispose();
    w.dispose();
  });

  await t.step("Adam agrees with tf.train.adam over 5 steps", async () => {
    const a = tf.variable(tf.tensor1d([0.3, -0.7, 2]));
    const b = tf.variable(tf.tensor1d([0.3, -0.7, 2]));
    const ours = createOptimizer("adam");
    const theirs = tf.train.adam(0.05);
    for (let s = 0; s < 5; s++) {
      tf.tidy(() => {
        const ga = tf.variableGrads(() => tf.sum(tf.square(tf.sub(a, 1))) as tf.Scalar, [a]).grads;
        ours.step({ a }, { a: ga[a.name] }, { learningRate: 0.05 });
        theirs.minimize(() => tf.sum(tf.square(tf.sub(b, 1))) as tf.Scalar, false, [b]);
      });
    }
    close(await a.data(), [...(await b.data())], 1e-5);
    ours.dispose();
    theirs.dispose();
    tf.dispose([a, b]);
  });

  await t.step("SGD with momentum and Nesterov: hand-computed steps", async () => {
    const w = tf.variable(tf.tensor1d([1]));
    const opt = createOptimizer({ name: "sgd", momentum: 0.5 });
    // buf1 = 2 → w = 1 − 0.1·2 = 0.8; buf2 = 0.5·2 + 1 = 2 → w = 0.8 − 0.2 = 0.6
    for (const g of [2, 1]) tf.tidy(() => opt.step({ w }, { w: tf.tensor1d([g]) }, { learningRate: 0.1 }));
    close(await w.data(), [0.6]);
    const n = tf.variable(tf.tensor1d([1]));
    const nesterov = createOptimizer({ name: "sgd", momentum: 0.5, nesterov: true });
    // step 1: buf = 2, update = 2 + 0.5·2 = 3 → 0.7; step 2: buf = 2, update = 1 + 1 = 2 → 0.5
    for (const g of [2, 1]) {
      tf.tidy(() => nesterov.step({ n }, { n: tf.tensor1d([g]) }, { learningRate: 0.1 }));
    }
    close(await n.data(), [0.5]);
    tf.dispose([w, n]);
    opt.dispose();
    nesterov.dispose();
  });

  await t.step("weight decay: L2 in the gradient, decoupled for AdamW, kernels only by default", async () => {
    const kernel = tf.variable(tf.tensor2d([[2]]));
    const bias = tf.variable(tf.tensor1d([2]));
    const sgd = createOptimizer({ name: "sgd", momentum: 0, weightDecay: 0.5 });
    tf.tidy(() =>
      sgd.step({ kernel, bias }, { kernel: tf.tensor2d([[0]]), bias: tf.tensor1d([0]) }, {
        learningRate: 0.1,
      })
    );
    close(await kernel.data(), [2 - 0.1 * 0.5 * 2]);
    close(await bias.data(), [2]);
    const w = tf.variable(tf.tensor2d([[2]]));
    const adamw = createOptimizer({ name: "adam", weightDecay: 0.5, decoupledWeightDecay: true });
    // zero gradient: Adam's update is 0, decoupled decay leaves w·(1 − η λ)
    tf.tidy(() => adamw.step({ w }, { w: tf.tensor2d([[0]]) }, { learningRate: 0.1 }));
    close(await w.data(), [2 * (1 - 0.05)]);
    tf.dispose([kernel, bias, w]);
    sgd.dispose();
    adamw.dispose();
  });

  await t.step("state round-trips: a restored optimizer continues bit-identically", async () => {
    for (const name of ["adam", "sgd"] as const) {
      const a = tf.variable(tf.tensor1d([0.3, -0.7]));
      const opt = createOptimizer(name);
      const grads = [[0.1, 0.2], [-0.3, 0.05], [0.7, -0.2], [0.01, 0.4]];
      for (const g of grads.slice(0, 2)) {
        tf.tidy(() => opt.step({ a }, { a: tf.tensor1d(g) }, { learningRate: 0.1 }));
      }
      const saved = await opt.getWeights();
      const b = tf.variable(tf.tensor(await a.data()));
      const restored = createOptimizer(name);
      restored.setWeights(saved);
      assert.equal(restored.iteration, 2);
      for (const g of grads.slice(2)) {
        tf.tidy(() => opt.step({ a }, { a: tf.tensor1d(g) }, { learningRate: 0.1 }));
        tf.tidy(() => restored.step({ a: b }, { a: tf.tensor1d(g) }, { learningRate: 0.1 }));
      }
      assert.deepEqual(await b.data(), await a.data());
      assert.throws(() => createOptimizer(name === "adam" ? "sgd" : "adam").setWeights(saved), {
        name: "OptimizerError",
        message: `setWeights: state is for "${name}", optimizer is "${name === "adam" ? "sgd" : "adam"}"`,
      });
      tf.dispose([a, b]);
      opt.dispose();
      restored.dispose();
    }
  });

  await t.step("steps leak no tensors", () => {
    const w = tf.variable(tf.tensor1d([1, 2]));
    const opt = createOptimizer("adam");
    tf.tidy(() => opt.step({ w }, { w: tf.tensor1d([1, 1]) }, { learningRate: 0.1 }));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => opt.step({ w }, { w: tf.tensor1d([1, 1]) }, { learningRate: 0.1 }));
    }
    assert.equal(tf.memory().numTensors, before);
    opt.dispose();
    w.dispose();
  });
});

Deno.test("learning-rate schedules", async (t) => {
  const base = { learningRate: 0.1, stepsPerEpoch: 10, epochs: 10 };
  await t.step("constant", () => {
    assert.equal(learningRateAt(0, base), 0.1);
    assert.equal(learningRateAt(99, base), 0.1);
  });
  await t.step("step: γ^⌊epoch/stepSize⌋", () => {
    const o = { ...base, schedule: { kind: "step" as const, stepSize: 3, gamma: 0.5 } };
    assert.equal(learningRateAt(29, o), 0.1);
    assert.equal(learningRateAt(30, o), 0.05);
    assert.equal(learningRateAt(60, o), 0.025);
  });
  await t.step("cosine: η₀ at the start, (η₀+η_min)/2 halfway, η_min at the end", () => {
    const o = { ...base, schedule: { kind: "cosine" as const, minLearningRate: 0.01 } };
    close([learningRateAt(0, o), learningRateAt(50, o), learningRateAt(100, o)], [0.1, 0.055, 0.01], 1e-12);
  });
  await t.step("linear warm-up, then the schedule over the remaining steps", () => {
    const o = { ...base, warmupEpochs: 1, schedule: { kind: "cosine" as const } };
    close([learningRateAt(0, o), learningRateAt(4, o), learningRateAt(9, o)], [0.01, 0.05, 0.1], 1e-12);
    close([learningRateAt(10, o), learningRateAt(55, o)], [0.1, 0.05], 1e-12);
  });
  await t.step("unknown schedule", () => {
    assert.throws(() => learningRateAt(0, { ...base, schedule: { kind: "exp" } as never }), {
      name: "ScheduleError",
      message: 'unknown schedule "exp"',
    });
  });
});

Deno.test("softmax cross-entropy", async (t) => {
  const logits = [[2, 0, -1], [0.5, 0.5, 3], [-1, 4, 0]];
  const labels = Int32Array.from([0, 2, 0]);
  await t.step("matches the float64 reference, with and without class weights", async () => {
    for (const classWeights of [undefined, [2, 1, 0.5]]) {
      const loss = tf.tidy(() => softmaxCrossEntropy(tf.tensor2d(logits), labels, { classWeights }));
      const ref = crossEntropy(logits.flat(), labels, { numClasses: 3, classWeights });
      close(await loss.data(), [ref.mean], 1e-6);
      loss.dispose();
    }
  });
  await t.step("label count must match", () => {
    assert.throws(() => softmaxCrossEntropy(tf.zeros([2, 3]) as tf.Tensor2D, Int32Array.from([0])), {
      name: "TrainError",
      message: "softmaxCrossEntropy: 2 logit rows but 1 labels",
    });
  });
});
