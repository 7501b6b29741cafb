// outputStride (lib/models/output_stride.ts): which strides each backbone can reach, the CAM map sizes they
// give (shape arithmetic by hand), the same parameters, and the forward pass checked against the native net:
// a stride-1 pool's map subsampled where the stride-2 pool's windows start is the native pool's map.
import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import {
  createModel,
  getWeights,
  type ModelOptions,
  outputShapes,
  parameterCount,
  reachableOutputStrides,
  resolveConfig,
} from "../../lib/models/mod.ts";
import { alexnetSpec } from "../../lib/models/alexnet.ts";
import { maxAbsDiff, seededImages, setupBackend } from "./_setup.ts";

await setupBackend();

const slice96 = (outputStride?: number): ModelOptions => ({
  inputShape: [96, 96, 1],
  numClasses: 2,
  widthMultiplier: 1 / 16,
  outputStride,
});

Deno.test("outputStride", async (t) => {
  await t.step("reachable strides: native first, then one more pool at stride 1 each", () => {
    const cases: [string, number[]][] = [
      ["alexnet-gap", [16, 8, 4]], // conv1 /4 is a conv: pool1 and pool2 only
      ["googlenet-gap", [16, 8, 4, 2]], // pool1..pool3 after conv1 /2
      ["vgg16-gap", [16, 8, 4, 2, 1]], // four pools, no strided conv
      ["small-gap", [4, 2, 1]],
    ];
    for (const [name, strides] of cases) {
      const model = createModel(name, slice96());
      try {
        assert.deepEqual(reachableOutputStrides(model.spec), strides, name);
      } finally {
        model.dispose();
      }
    }
    // Inception-v3's reductions are strided blocks: nothing after mixed_6a can change.
    const v3 = createModel("inceptionv3-gap", { inputShape: [75, 75, 1], widthMultiplier: 1 / 16 });
    try {
      assert.deepEqual(reachableOutputStrides(v3.spec), [16]);
    } finally {
      v3.dispose();
    }
  });

  await t.step("default: the native stride, resolved into the config", () => {
    assert.equal(resolveConfig("alexnet-gap").outputStride, 16);
    assert.equal(resolveConfig("googlenet-gmp").outputStride, 16);
    assert.equal(resolveConfig("small-gap").outputStride, 4);
    assert.equal(resolveConfig("alexnet-gap", { outputStride: 8 }).outputStride, 8);
  });

  await t.step("CAM map at 96 px, by hand", () => {
    // AlexNet: conv1 ⌊(96−11)/4⌋+1 = 22, pool1 3/2 valid 10, pool2 3/2 valid 4; at 3/1: 10−2 = 8;
    // both pools 3/1: 22−2 = 20, then 20−2 = 18.
    const cam = (name: string, s?: number) => outputShapes(name, slice96(s)).cam_conv;
    assert.deepEqual(cam("alexnet-gap"), [4, 4, 64]);
    assert.deepEqual(cam("alexnet-gap", 8), [8, 8, 64]);
    assert.deepEqual(cam("alexnet-gap", 4), [18, 18, 64]);
    // GoogLeNet: 96 → conv1 48 → pool1 24 → pool2 12 → pool3 6 ("same" pools keep ⌈n/s⌉).
    assert.deepEqual(cam("googlenet-gap"), [6, 6, 64]);
    assert.deepEqual(cam("googlenet-gap", 8), [12, 12, 64]);
    assert.deepEqual(cam("googlenet-gap", 4), [24, 24, 64]);
    // VGG16: 96 → 48 → 24 → 12 → 6; pool4 2/1 valid: 12 − 1 = 11.
    assert.deepEqual(cam("vgg16-gap"), [6, 6, 64]);
    assert.deepEqual(cam("vgg16-gap", 8), [11, 11, 64]);
  });

  await t.step("the same parameters, drawn the same from the seed", async () => {
    for (const name of ["alexnet-gap", "googlenet-gap", "vgg16-gap"]) {
      assert.deepEqual(parameterCount(name, slice96(8)), parameterCount(name, slice96()), name);
    }
    const a = createModel("alexnet-gap", slice96()), b = createModel("alexnet-gap", slice96(4));
    try {
      const [wa, wb] = await Promise.all([getWeights(a), getWeights(b)]);
      assert.deepEqual(Object.keys(wb), Object.keys(wa));
      for (const k of Object.keys(wa)) assert.equal(maxAbsDiff(wa[k], wb[k]), 0, k);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  await t.step("forward: a stride-1 pool subsampled at the stride-2 windows is the native pool", async () => {
    // AlexNet pool2 3/2 valid: native output i covers rows 2i..2i+2, the stride-1 output at 2i the same rows.
    // GoogLeNet pool3 3/2 "same" on 12 pads one row at the end (window 2i..2i+2); 3/1 "same" pads one each side
    // (window j−1..j+1), so native i is stride-1 j = 2i + 1.
    const cases: [string, string, number, number, number][] = [
      ["alexnet-gap", "pool2", 0, 4, 8],
      ["googlenet-gap", "pool3", 1, 6, 12],
    ];
    for (const [name, layer, offset, nativeSize, fineSize] of cases) {
      const native = createModel(name, slice96()), fine = createModel(name, slice96(8));
      const x = seededImages([2, 96, 96, 1], 7);
      try {
        const a = native.apply(x, { capture: [layer] }), b = fine.apply(x, { capture: [layer] });
        const [n, h, w, c] = a.activations[layer].shape;
        const [, hf, wf] = b.activations[layer].shape;
        assert.deepEqual([h, w, hf, wf], [nativeSize, nativeSize, fineSize, fineSize], name);
        const sub = tf.tidy(() =>
          tf.slice(
            tf.stridedSlice(b.activations[layer], [0, offset, offset, 0], [n, hf, wf, c], [1, 2, 2, 1]),
            [0, 0, 0, 0],
            [n, h, w, c],
          )
        );
        const [va, vs] = await Promise.all([a.activations[layer].data(), sub.data()]);
        assert.ok(maxAbsDiff(va, vs) <= 1e-6, `${name} ${layer}: ${maxAbsDiff(va, vs)}`);
        assert.deepEqual(b.features.shape, [2, ...outputShapes(name, slice96(8)).cam_conv]);
        sub.dispose();
        for (const r of [a, b]) {
          tf.dispose([r.logits, r.features, ...Object.values(r.activations)]);
        }
      } finally {
        x.dispose();
        native.dispose();
        fine.dispose();
      }
    }
  });

  await t.step("an unreachable or malformed stride is a ModelError naming the model and the choices", () => {
    assert.throws(() => resolveConfig("alexnet-gap", { outputStride: 2 }), {
      name: "ModelError",
      message:
        "alexnet-gap: outputStride 2 is not reachable (the native stride is 16; setting the last pools' strides to 1 gives 16, 8, 4)",
    });
    assert.throws(() => resolveConfig("inceptionv3-gap", { outputStride: 8 }), {
      name: "ModelError",
      message: /^inceptionv3-gap: outputStride 8 is not reachable .* gives 16\)$/,
    });
    assert.throws(() => resolveConfig("googlenet-gap", { outputStride: 1.5 }), {
      name: "ModelError",
      message: "googlenet-gap: outputStride must be a positive integer, got 1.5",
    });
  });

  await t.step("the native spec is untouched (withOutputStride copies)", () => {
    const config = resolveConfig("alexnet-gap", slice96());
    const spec = alexnetSpec(config);
    createModel("alexnet-gap", slice96(4)).dispose();
    assert.deepEqual(reachableOutputStrides(spec), [16, 8, 4]);
  });
});
