/**
 * Batching by the heap (lib/cam/_chunks.ts): a batch whose estimated pass would not fit the heap limit runs in
 * chunks, with the same maps, scores, weights and record as one pass; what cannot fit at all is a MemoryError.
 */
import * as tf from "../../lib/tf.ts";
import assert from "node:assert/strict";
import { cam, gradCam, gradCamPlusPlus, modelScoreFunction, saliency, scoreCam } from "../../lib/cam/mod.ts";
import type { CamResult, MapOptions } from "../../lib/cam/mod.ts";
import { createModel, estimateStepMemory, HEAP_USABLE, type ZooModel } from "../../lib/models/mod.ts";
import { assertClose } from "./_helpers.ts";

/** A view of the model whose forward pass is `apply` (the rest delegates to the model). */
function viewOf(model: ZooModel, apply: ZooModel["apply"]): ZooModel {
  return {
    config: model.config,
    spec: model.spec,
    trainable: model.trainable,
    state: model.state,
    layerNames: model.layerNames,
    convLayers: model.convLayers,
    camLayer: model.camLayer,
    apply,
    classifier: () => model.classifier(),
    dispose: () => {},
  } as unknown as ZooModel;
}

/** The model, and a view of it that counts forward passes and the images they carry. */
function counted(model: ZooModel) {
  const passes: number[] = [];
  const view = viewOf(model, (images, options) => {
    passes.push(images.shape[0]);
    return model.apply(images, options);
  });
  return { view, passes };
}

type Method = (model: ZooModel, images: tf.Tensor4D, options: MapOptions) => Promise<CamResult>;

Deno.test("CAM methods in chunks the heap can hold", async (t) => {
  const model = createModel("small-gap", {
    inputShape: [16, 16, 1],
    numClasses: 3,
    widthMultiplier: 0.25,
    seed: 2,
  });
  const images = tf.randomUniform([10, 16, 16, 1], 0, 1, "float32", 5) as tf.Tensor4D;
  // Room for 4 images per pass (of the heavier, gradient kind; CAM's inference passes then take more).
  const gradient4 = estimateStepMemory(model, { batchSize: 4, training: true, optimizer: "none" }).bytes;
  const limit = gradient4 / HEAP_USABLE + 1;
  const inference4 = estimateStepMemory(model, { batchSize: 4, training: false }).bytes / HEAP_USABLE + 1;

  const methods: [string, Method, number][] = [
    ["cam", (m, x, o) => cam(m, x, o), inference4],
    ["gradCam", (m, x, o) => gradCam(m, x, o), limit],
    ["gradCamPlusPlus", (m, x, o) => gradCamPlusPlus(m, x, o), limit],
    ["saliency", (m, x, o) => saliency(m, x, o), limit],
    ["scoreCam", (m, x, o) => scoreCam(m, x, { ...o, batchSize: 8 }), inference4],
  ];
  for (const [name, method, heapLimitBytes] of methods) {
    await t.step(`${name}: chunks of 4 give the maps of one pass (top-1, given classes, top-2)`, async () => {
      const selections: MapOptions[] = [{}, { classIndex: [0, 1, 2, 0, 1, 2, 0, 1, 2, 0] }, { topK: 2 }];
      for (const selection of selections) {
        const whole = await method(model, images, { ...selection, heapLimitBytes: null });
        const { view, passes } = counted(model);
        const before = tf.memory().numTensors;
        const parts = await method(view, images, { ...selection, heapLimitBytes });
        assert.equal(tf.memory().numTensors, before, "no tensor outlives the call");
        assert.ok(Math.max(...passes) <= (name === "scoreCam" ? 8 : 4 * (selection.topK ?? 1)), `${passes}`);
        assert.deepEqual(parts.shape, whole.shape);
        // Score-CAM's record says how many masked images went through each pass.
        const { batchSize: _b1, ...extra } = parts.record.extra;
        const { batchSize: _b2, ...wholeExtra } = whole.record.extra;
        assert.deepEqual({ ...parts.record, extra }, { ...whole.record, extra: wholeExtra });
        assertClose(parts.maps, whole.maps, 1e-5, name);
        assertClose(parts.scores, whole.scores, 1e-5, name);
        if (whole.weights) assertClose(parts.weights!, whole.weights, 1e-5, name);
      }
    });
  }

  await t.step("modelScoreFunction sizes its passes the same way", async () => {
    const values = await images.data() as Float32Array;
    const whole = await modelScoreFunction(model, { heapLimitBytes: null })(values, [10, 16, 16, 1]);
    const { view, passes } = counted(model);
    const parts = await modelScoreFunction(view, { heapLimitBytes: inference4 })(values, [10, 16, 16, 1]);
    assert.deepEqual(passes, [4, 4, 2]);
    assertClose(parts, whole, 1e-6, "scores");
  });

  await t.step(
    "not even one image fits: a MemoryError naming model, input, batch, bytes and limit",
    async () => {
      await assert.rejects(() => gradCam(model, images, { heapLimitBytes: 1024 }), {
        name: "MemoryError",
        message:
          /^small-gap: a gradient pass at input 16x16x1 with batch 10 \(gradCam\) does not fit the heap: one image needs an estimated .* bytes\), over 70% of the limit of 1\.0 KiB \(1,024 bytes\)$/,
      });
    },
  );

  await t.step("a wasm heap exhaustion is a MemoryError, not a raw RuntimeError", async () => {
    const failing = viewOf(model, () => {
      throw new WebAssembly.RuntimeError("memory access out of bounds");
    });
    await assert.rejects(() => cam(failing, images, { heapLimitBytes: null }), {
      name: "MemoryError",
      message:
        /^small-gap: the wasm heap ran out \(RuntimeError: memory access out of bounds\) in inference at input 16x16x1 with batch 10 \(cam\); estimated .*; the model is unchanged/,
    });
  });

  images.dispose();
  model.dispose();
});
