import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { activeNative, registerNativeKernels } from "../../lib/backend/mod.ts";
import { createModel, getWeights, listModels } from "../../lib/models/mod.ts";
import { maxAbsDiff, seededImages, setupBackend, sizeFor } from "./_setup.ts";

const backend = await setupBackend();

Deno.test("perturb reaches any layer's gradient", async (t) => {
  await t.step("GAP: ∂S_c/∂f_k(x,y) = w_k^c / (h·w) at every position", async () => {
    const model = createModel("alexnet-gap", {
      inputShape: [67, 67, 1],
      widthMultiplier: 1 / 16,
      numClasses: 3,
    });
    const x = seededImages([2, 67, 67, 1]);
    const zero = tf.zeros([2, 3, 3, 64]);
    const c = 2;
    // Pick S_c with a one-hot product (gather's gradient needs UnsortedSegmentSum, which wasm lacks).
    const pick = tf.oneHot(tf.tensor1d([c, c], "int32"), 3);
    const grad = tf.grad((p: tf.Tensor) =>
      tf.sum(tf.mul(model.apply(x, { perturb: { cam_conv: p } }).logits, pick))
    )(
      zero,
    );
    pick.dispose();
    const w = await tf.tidy(() => tf.reshape(tf.gather(model.classifier().weights, [c], 1), [64])).data();
    const g = await grad.data();
    const expected = new Float32Array(g.length);
    for (let i = 0; i < g.length; i++) expected[i] = w[i % 64] / 9;
    assert.ok(maxAbsDiff(g, expected) < 1e-6, `max diff ${maxAbsDiff(g, expected)}`);
    tf.dispose([x, zero, grad]);
    model.dispose();
  });
  await t.step("GMP: the gradient is w_k^c at each map's maximum and 0 elsewhere", async () => {
    const model = createModel("small-gmp", {
      inputShape: [16, 16, 1],
      widthMultiplier: 1 / 8,
      numClasses: 2,
    });
    const x = seededImages([1, 16, 16, 1], 3);
    const zero = tf.zeros([1, 4, 4, 16]);
    const pick = tf.tensor2d([[0, 1]]);
    const grad = tf.grad((p: tf.Tensor) =>
      tf.sum(tf.mul(model.apply(x, { perturb: { conv3: p } }).logits, pick))
    )(
      zero,
    );
    pick.dispose();
    const f = model.apply(x);
    const w = await tf.tidy(() => tf.reshape(tf.gather(model.classifier().weights, [1], 1), [16])).data();
    const [g, fv] = [await grad.data(), await f.features.data()];
    for (let k = 0; k < 16; k++) {
      let best = -Infinity;
      for (let i = 0; i < 16; i++) best = Math.max(best, fv[i * 16 + k]);
      const ties = [...Array(16).keys()].filter((i) => fv[i * 16 + k] === best).length;
      for (let i = 0; i < 16; i++) {
        const want = fv[i * 16 + k] === best ? w[k] / ties : 0;
        // tfjs's max gradient sends the full gradient to every tied maximum.
        const got = g[i * 16 + k];
        assert.ok(Math.abs(got - want) < 1e-6 || (ties > 1 && Math.abs(got - w[k]) < 1e-6), `k=${k} i=${i}`);
      }
    }
    tf.dispose([x, zero, grad, f.logits, f.features]);
    model.dispose();
  });
  await t.step("an all-zero perturbation leaves the outputs unchanged; inside blocks too", async () => {
    const model = createModel("googlenet-gap", { inputShape: [32, 32, 1], widthMultiplier: 1 / 16 });
    const x = seededImages([1, 32, 32, 1]);
    const base = model.apply(x, { capture: ["inception4a/3x3"] });
    const zero = tf.zerosLike(base.activations["inception4a/3x3"]);
    const same = model.apply(x, { perturb: { "inception4a/3x3": zero } });
    assert.deepEqual(await same.logits.data(), await base.logits.data());
    const bump = tf.onesLike(zero);
    const moved = model.apply(x, { perturb: { "inception4a/3x3": bump }, capture: ["inception4a/3x3"] });
    assert.ok(maxAbsDiff(await moved.logits.data(), await base.logits.data()) > 1e-4);
    // The captured activation is the perturbed output.
    const diff = await tf.tidy(() =>
      tf.mean(tf.sub(moved.activations["inception4a/3x3"], base.activations["inception4a/3x3"]))
    ).data();
    assert.ok(Math.abs(diff[0] - 1) < 1e-5);
    tf.dispose(
      [x, zero, bump, base, same, moved].flatMap((o) => o instanceof tf.Tensor ? [o] : tensorsOf(o)),
    );
    model.dispose();
  });
});

function tensorsOf(out: { logits: tf.Tensor; features: tf.Tensor; activations: Record<string, tf.Tensor> }) {
  return [out.logits, out.features, ...Object.values(out.activations)];
}

/** Four Adam steps on a fixed batch lower every model's loss (one `t.step` per model). */
async function everyModelTrains(t: Deno.TestContext): Promise<void> {
  for (const name of listModels()) {
    await t.step(name, async () => {
      const size = sizeFor(name);
      const model = createModel(name, {
        inputShape: [size, size, 1],
        numClasses: 2,
        widthMultiplier: 1 / 16,
      });
      // Batch norm needs a few samples for its batch statistics; the others train on two (cheaper on cpu).
      const labels = model.config.batchNorm ? [0, 1, 1, 0] : [0, 1];
      const x = seededImages([labels.length, size, size, 1], 11);
      const y = tf.oneHot(tf.tensor1d(labels, "int32"), 2);
      const optimizer = tf.train.adam(1e-3);
      const losses: number[] = [];
      for (let step = 0; step < 4; step++) {
        const loss = optimizer.minimize(
          () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }).logits) as tf.Scalar,
          true,
          Object.values(model.trainable),
        )!;
        losses.push((await loss.data())[0]);
        loss.dispose();
      }
      assert.ok(losses.every(Number.isFinite), `${losses}`);
      assert.ok(losses[3] < losses[0], `losses ${losses.map((l) => l.toFixed(4)).join(", ")}`);
      optimizer.dispose();
      tf.dispose([x, y]);
      model.dispose();
    });
  }
}

Deno.test(`every model trains: Adam lowers the loss on a fixed batch (${backend})`, everyModelTrains);

// With oneDNN/OpenBLAS loaded the test above ran their kernels; this runs wasm's own training kernels.
Deno.test({
  name: "every model trains on wasm alone (native libraries off)",
  ignore: backend !== "wasm",
  fn: async (t) => {
    const libs = activeNative();
    registerNativeKernels(null);
    try {
      await everyModelTrains(t);
    } finally {
      registerNativeKernels(libs);
    }
  },
});

Deno.test("batch norm and dropout", async (t) => {
  await t.step(
    "training updates the moving statistics (also under variableGrads); inference reads them",
    async () => {
      const model = createModel("alexnet-bn-gap", {
        inputShape: [51, 51, 1],
        widthMultiplier: 1 / 16,
        bnMomentum: 0.5,
      });
      const x = seededImages([2, 51, 51, 1]);
      const before = await getWeights(model);
      const inference = model.apply(x);
      assert.deepEqual(await getWeights(model), before, "inference leaves the state alone");
      const conv1 = model.apply(x, { training: true, capture: ["conv1"] });
      const after = await getWeights(model);
      // One step with momentum 0.5 from (0, 1): m = 0.5·μ_batch, v = 0.5 + 0.5·σ²_batch·n/(n−1).
      const { mean, variance } = tf.moments(
        tf.conv2d(x, model.trainable["conv1/kernel"] as tf.Tensor4D, 4, "valid"),
        [0, 1, 2],
      );
      const n = 2 * 11 * 11;
      const mu = await mean.data();
      const s2 = await variance.data();
      assert.ok(maxAbsDiff(after["conv1/moving_mean"], mu.map((m) => 0.5 * m)) < 1e-5);
      assert.ok(
        maxAbsDiff(after["conv1/moving_variance"], s2.map((v) => 0.5 + 0.5 * v * n / (n - 1))) < 1e-4,
      );
      assert.deepEqual(after["conv1/gamma"], before["conv1/gamma"], "a forward pass does not train");
      // variableGrads (what optimizers use) sees only trainable variables and still updates the state.
      const { value, grads } = tf.variableGrads(() =>
        tf.mean(model.apply(x, { training: true }).logits) as tf.Scalar
      );
      assert.ok(!Object.keys(grads).some((k) => k.includes("moving")));
      assert.equal(Object.keys(grads).length, Object.keys(model.trainable).length);
      const third = await getWeights(model);
      assert.notDeepEqual(third["conv5/moving_mean"], after["conv5/moving_mean"]);
      const inference2 = model.apply(x);
      assert.ok(maxAbsDiff(await inference2.logits.data(), await inference.logits.data()) > 0);
      tf.dispose([
        x,
        mean,
        variance,
        value,
        ...Object.values(grads),
        ...tensorsOf(inference),
        ...tensorsOf(conv1),
      ]);
      tf.dispose(tensorsOf(inference2));
      model.dispose();
    },
  );
  await t.step(
    "dropout: only in training, deterministic per ApplyOptions.seed, scaled by 1/(1−p)",
    async () => {
      const model = createModel("small-gap", {
        inputShape: [16, 16, 1],
        widthMultiplier: 1 / 4,
        dropout: 0.5,
      });
      const x = seededImages([2, 16, 16, 1]);
      const logits = async (o: Parameters<typeof model.apply>[1]) => {
        const out = model.apply(x, o);
        const v = await out.logits.data();
        tf.dispose(tensorsOf(out));
        return v;
      };
      const plain = await logits({});
      assert.deepEqual(await logits({}), plain);
      const a = await logits({ training: true, seed: 1 });
      assert.deepEqual(await logits({ training: true, seed: 1 }), a);
      assert.notDeepEqual(await logits({ training: true, seed: 2 }), a);
      assert.notDeepEqual(
        await logits({ training: true }),
        await logits({ training: true }),
        "running stream",
      );
      assert.notDeepEqual(a, plain);
      x.dispose();
      model.dispose();
    },
  );
});

Deno.test("apply errors and memory", async (t) => {
  const model = createModel("small-gap", { inputShape: [16, 16, 1], widthMultiplier: 1 / 8 });
  await t.step("typed errors for wrong inputs and names", () => {
    const rgb = tf.zeros([1, 16, 16, 3]) as tf.Tensor4D;
    const tiny = tf.zeros([1, 3, 16, 1]) as tf.Tensor4D;
    const ok = tf.zeros([1, 16, 16, 1]) as tf.Tensor4D;
    const badShape = tf.zeros([1, 4, 4, 4]);
    assert.throws(() => model.apply(rgb), {
      name: "ModelError",
      message: "small-gap: expected images [batch, height, width, 1], got [1, 16, 16, 3]",
    });
    assert.throws(() => model.apply(tiny), { message: "small-gap: input 3x16 is too small (minimum 4x4)" });
    assert.throws(() => model.apply(ok, { capture: ["conv9"] }), {
      message: 'small-gap: no layer named "conv9"',
    });
    assert.throws(() => model.apply(ok, { perturb: { conv3: badShape } }), {
      message: 'small-gap: perturb "conv3" has shape [1, 4, 4, 4], the layer\'s output is [1, 4, 4, 16]',
    });
    tf.dispose([rgb, tiny, ok, badShape]);
  });
  await t.step("names: layerNames ⊇ convLayers, GAP layer last", () => {
    assert.deepEqual(model.layerNames, ["conv1", "pool1", "conv2", "pool2", "conv3", "gap"]);
    assert.deepEqual(model.convLayers, ["conv1", "conv2", "conv3"]);
    assert.equal(model.camLayer, "conv3");
    const g = createModel("googlenet-gmp", { inputShape: [16, 16, 1], widthMultiplier: 1 / 16 });
    assert.equal(g.camLayer, "cam_conv");
    assert.deepEqual(g.convLayers.slice(0, 5), [
      "conv1",
      "conv2_reduce",
      "conv2",
      "inception3a",
      "inception3b",
    ]);
    assert.deepEqual(g.layerNames.slice(7, 15), [
      "inception3a/1x1",
      "inception3a/3x3_reduce",
      "inception3a/3x3",
      "inception3a/5x5_reduce",
      "inception3a/5x5",
      "inception3a/pool",
      "inception3a/pool_proj",
      "inception3a",
    ]);
    assert.equal(g.layerNames.at(-1), "gmp");
    g.dispose();
  });
  model.dispose();
  await t.step(
    "no leaks: build, infer, train, read the classifier, dispose → back to the baseline",
    () => {
      const baseline = tf.memory().numTensors;
      for (const name of ["inceptionv3-gmp", "googlenet-gap", "alexnet-bn-gap"]) {
        const size = sizeFor(name);
        const m = createModel(name, { inputShape: [size, size, 1], widthMultiplier: 1 / 16, dropout: 0.2 });
        const x = seededImages([2, size, size, 1]);
        const out = m.apply(x, { capture: [m.camLayer, m.layerNames[0]] });
        tf.dispose(tensorsOf(out));
        tf.dispose(tf.tidy(() => tf.sum(m.classifier().weights)));
        const opt = tf.train.adam(1e-3);
        opt.minimize(
          () => tf.mean(m.apply(x, { training: true }).logits) as tf.Scalar,
          false,
          Object.values(m.trainable),
        );
        opt.dispose();
        x.dispose();
        m.dispose();
        assert.throws(() => m.apply(x), { message: `${name}: the model was disposed` });
        m.dispose(); // idempotent
      }
      assert.equal(tf.memory().numTensors, baseline);
    },
  );
});
