import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import {
  createModel,
  getWeights,
  listModels,
  minInputSize,
  outputShapes,
  parameterCount,
  resolveConfig,
} from "../../lib/models/mod.ts";
import { maxAbsDiff, seededImages, setupBackend, sizeFor } from "./_setup.ts";

await setupBackend();

Deno.test("registry", async (t) => {
  await t.step("listModels names every architecture and head", () => {
    assert.deepEqual(listModels(), [
      "alexnet-gap",
      "alexnet-gmp",
      "alexnet-star-gap",
      "alexnet-bn-gap",
      "vgg16-gap",
      "vgg16-gmp",
      "googlenet-gap",
      "googlenet-gmp",
      "inceptionv3-gap",
      "inceptionv3-gmp",
      "small-gap",
      "small-gmp",
    ]);
  });
  await t.step("defaults: paper input sizes, 1000 classes, pooling from the name", () => {
    const c = resolveConfig("alexnet-gmp");
    assert.deepEqual(c.inputShape, [227, 227, 3]);
    assert.equal(c.numClasses, 1000);
    assert.equal(c.pooling, "gmp");
    assert.equal(c.batchNorm, false);
    assert.equal(c.camConvs, 1);
    assert.deepEqual(resolveConfig("vgg16-gap").inputShape, [224, 224, 3]);
    assert.deepEqual(resolveConfig("googlenet-gap").inputShape, [224, 224, 3]);
    assert.deepEqual(resolveConfig("inceptionv3-gap").inputShape, [299, 299, 3]);
    assert.equal(resolveConfig("inceptionv3-gap").batchNorm, true);
    assert.equal(resolveConfig("inceptionv3-gap").bnEpsilon, 1e-3);
    assert.equal(resolveConfig("alexnet-bn-gap").batchNorm, true);
    assert.equal(resolveConfig("alexnet-star-gap").camConvs, 3);
    assert.deepEqual(resolveConfig("small-gap").inputShape, [64, 64, 1]);
    assert.equal(resolveConfig("small-gap").numClasses, 2);
  });
  await t.step("minimum input sizes", () => {
    const mins = Object.fromEntries(listModels().map((n) => [n, minInputSize(n)]));
    for (const n of ["alexnet-gap", "alexnet-gmp", "alexnet-star-gap", "alexnet-bn-gap"]) {
      assert.equal(mins[n], 35);
    }
    for (const n of ["vgg16-gap", "vgg16-gmp", "googlenet-gap", "googlenet-gmp"]) assert.equal(mins[n], 16);
    assert.equal(mins["inceptionv3-gap"], 43);
    assert.equal(mins["small-gap"], 4);
    // At the minimum the CAM map is 1x1 (Inception-v3) or one cell per total stride (GoogLeNet, VGG16).
    assert.deepEqual(outputShapes("inceptionv3-gap", { inputShape: [43, 43, 1] }).cam_conv.slice(0, 2), [
      1,
      1,
    ]);
    assert.deepEqual(outputShapes("alexnet-gap", { inputShape: [35, 35, 1] }).cam_conv.slice(0, 2), [1, 1]);
    assert.deepEqual(outputShapes("googlenet-gap", { inputShape: [16, 16, 1] }).cam_conv.slice(0, 2), [1, 1]);
  });
  await t.step("typed errors name the model and the problem", () => {
    assert.throws(() => createModel("resnet-gap"), {
      name: "ModelError",
      message: /^resnet-gap: unknown model \(known: alexnet-gap, .*small-gmp\)$/,
    });
    assert.throws(() => createModel("inceptionv3-gap", { inputShape: [42, 42, 1] }), {
      name: "ModelError",
      message: "inceptionv3-gap: input 42x42 is too small (minimum 43x43)",
    });
    assert.throws(() => createModel("alexnet-gap", { inputShape: [227, 34, 3] }), {
      message: "alexnet-gap: input 227x34 is too small (minimum 35x35)",
    });
    assert.throws(() => createModel("vgg16-gap", { widthMultipler: 0.5 } as never), {
      message: 'vgg16-gap: unknown option "widthMultipler"',
    });
    assert.throws(() => createModel("vgg16-gap", { widthMultiplier: 0 }), {
      message: "vgg16-gap: widthMultiplier must be a positive number, got 0",
    });
    assert.throws(() => createModel("vgg16-gap", { numClasses: 1.5 }), {
      message: "vgg16-gap: numClasses must be a positive integer, got 1.5",
    });
    assert.throws(() => createModel("vgg16-gap", { dropout: 1 }), {
      message: "vgg16-gap: dropout must be in [0, 1), got 1",
    });
    assert.throws(() => createModel("vgg16-gap", { inputShape: [32, 32] as never }), {
      message: "vgg16-gap: inputShape must be [height, width, channels] of positive integers, got [32,32]",
    });
    assert.throws(() => resolveConfig("vgg16-gap", { pooling: "gmp" }), {
      message: 'vgg16-gap: option pooling is "gmp" but must be "gap"',
    });
  });
});

Deno.test("every model at width 1/16: forward shapes, parameters, the CAM identity", async (t) => {
  for (const name of listModels()) {
    await t.step(name, async () => {
      const size = sizeFor(name);
      const model = createModel(name, {
        inputShape: [size, size, 1],
        numClasses: 3,
        widthMultiplier: 1 / 16,
      });
      const x = seededImages([2, size, size, 1]);
      const expectedShapes = outputShapes(model.config);
      const out = model.apply(x, { capture: model.layerNames });
      // The forward pass and the shape arithmetic agree on every layer.
      for (const layer of model.layerNames) {
        assert.deepEqual(out.activations[layer].shape, [2, ...expectedShapes[layer]], layer);
      }
      assert.deepEqual(out.features.shape, [2, ...expectedShapes[model.camLayer]]);
      assert.deepEqual(out.logits.shape, [2, 3]);
      assert.equal(model.convLayers.at(-1), model.camLayer);
      assert.ok(model.convLayers.every((l) => model.layerNames.includes(l)));
      // Allocated variables add up to the count computed from the layer description.
      const sizes = (vars: Record<string, tf.Variable>) =>
        Object.values(vars).reduce((s, v) => s + v.size, 0);
      const count = parameterCount(model.config);
      assert.equal(sizes(model.trainable), count.trainable);
      assert.equal(sizes(model.state), count.state);
      // S_c = Σ_k w_k^c F_k + b_c with F_k = GAP or GMP of f_k (Zhou et al., 2016, eq. 1).
      const expected = tf.tidy(() => {
        const { weights, bias } = model.classifier();
        const pooled = model.config.pooling === "gap"
          ? tf.mean(out.features, [1, 2])
          : tf.max(out.features, [1, 2]);
        return tf.add(tf.matMul(pooled, weights), bias);
      });
      assert.ok(maxAbsDiff(await out.logits.data(), await expected.data()) < 1e-5);
      const logits = await out.logits.data();
      assert.ok(logits.every(Number.isFinite));
      tf.dispose([out.logits, out.features, expected, x, ...Object.values(out.activations)]);
      model.dispose();
    });
  }
});

Deno.test("every model runs at its minimum input size and rejects one pixel less", async (t) => {
  for (const name of listModels()) {
    await t.step(name, () => {
      const min = minInputSize(name);
      const model = createModel(name, { inputShape: [min, min, 1], widthMultiplier: 1 / 16, numClasses: 2 });
      const x = tf.zeros([1, min, min, 1]) as tf.Tensor4D;
      const out = model.apply(x);
      assert.ok(out.features.shape[1] >= 1 && out.features.shape[2] >= 1);
      assert.deepEqual(out.logits.shape, [1, 2]);
      tf.dispose([x, out.logits, out.features]);
      model.dispose();
      assert.throws(() => createModel(name, { inputShape: [min - 1, min, 1] }), {
        name: "ModelError",
        message: `${name}: input ${min - 1}x${min} is too small (minimum ${min}x${min})`,
      });
    });
  }
});

Deno.test("construction", async (t) => {
  await t.step("the same seed gives identical weights; another seed does not", async () => {
    const opts = { inputShape: [32, 32, 3] as [number, number, number], widthMultiplier: 1 / 8 };
    const [a, b, c] = [createModel("googlenet-gap", opts), createModel("googlenet-gap", opts)].concat(
      createModel("googlenet-gap", { ...opts, seed: 7 }),
    );
    const [wa, wb, wc] = [await getWeights(a), await getWeights(b), await getWeights(c)];
    for (const key of Object.keys(wa)) assert.deepEqual(wa[key], wb[key], key);
    assert.notDeepEqual(wa["conv1/kernel"], wc["conv1/kernel"]);
    assert.deepEqual(wa["conv1/bias"], wc["conv1/bias"], "biases start at zero");
    // He init: std √(2/fan_in); conv1 is 7x7x3.
    const k = wa["conv1/kernel"];
    const std = Math.sqrt(k.reduce((s, v) => s + v * v, 0) / k.length);
    assert.ok(Math.abs(std - Math.sqrt(2 / 147)) < 0.1 * Math.sqrt(2 / 147), `std ${std}`);
    [a, b, c].forEach((m) => m.dispose());
  });
  await t.step("LRN where the original had it; batch norm replaces it", () => {
    const names = (name: string) => createModelNames(name);
    assert.deepEqual(names("alexnet-gap").slice(0, 4), ["conv1", "norm1", "pool1", "conv2"]);
    assert.deepEqual(names("alexnet-bn-gap").slice(0, 3), ["conv1", "pool1", "conv2"]);
    assert.ok(names("googlenet-gap").includes("norm2"));
    assert.ok(!names("vgg16-gap").some((n) => n.startsWith("norm")));
    assert.deepEqual(names("alexnet-star-gap").slice(-5), [
      "conv5",
      "cam_conv1",
      "cam_conv2",
      "cam_conv",
      "gap",
    ]);
  });
  await t.step("width multiplier rounds channels, at least 1", () => {
    const s = outputShapes("googlenet-gap", { inputShape: [32, 32, 1], widthMultiplier: 1 / 64 });
    assert.deepEqual(s["inception3a/5x5_reduce"].slice(2), [1]); // 16/64 rounds to 0 → 1
    assert.deepEqual(s.conv1.slice(2), [1]);
    assert.deepEqual(s.cam_conv.slice(2), [16]);
  });
  await t.step("RGB input", () => {
    const model = createModel("alexnet-gap", {
      inputShape: [51, 51, 3],
      widthMultiplier: 1 / 16,
      numClasses: 4,
    });
    const x = seededImages([1, 51, 51, 3]);
    const out = model.apply(x);
    assert.deepEqual(out.features.shape, [1, 2, 2, 64]);
    assert.deepEqual(out.logits.shape, [1, 4]);
    tf.dispose([x, out.logits, out.features]);
    model.dispose();
  });
  await t.step("inputs of another size work down to the minimum (fully convolutional)", () => {
    const model = createModel("vgg16-gmp", { inputShape: [32, 32, 1], widthMultiplier: 1 / 16 });
    const x = tf.zeros([1, 48, 16, 1]) as tf.Tensor4D;
    const out = model.apply(x);
    assert.deepEqual(out.features.shape, [1, 3, 1, 64]);
    tf.dispose([x, out.logits, out.features]);
    model.dispose();
  });
});

/** Layer names of a model at a tiny size (built and freed). */
function createModelNames(name: string): string[] {
  const model = createModel(name, { inputShape: [67, 67, 1], widthMultiplier: 1 / 64 });
  const names = model.layerNames;
  model.dispose();
  return names;
}
