import * as tf from "../../lib/tf.ts";
import assert from "node:assert/strict";
import { cam } from "../../lib/cam/mod.ts";
import { assertClose, handImage, handLogits, handModel, minMax } from "./_helpers.ts";
import { seededImages, seededModel, tinyModel } from "./_tiny_models.ts";

Deno.test("cam", async (t) => {
  const model = handModel("gap");
  const image = handImage(); // f1 = [1, 2, 3, 0], f2 = [1, 0, 0, 2]

  await t.step("equals the by-hand sum Σ_k w_k^c f_k of the hand network", async () => {
    const raw = { normalize: "none", upsample: false } as const;
    const c0 = await cam(model, image, { ...raw, classIndex: 0 });
    assertClose(c0.maps, [1 * 1 + 0.5 * 1, 1 * 2 + 0.5 * 0, 1 * 3 + 0.5 * 0, 1 * 0 + 0.5 * 2], 1e-6, "M_0");
    const c1 = await cam(model, image, { ...raw, classIndex: 1 });
    assertClose(c1.maps, [-1 + 2, -2, -3, 4], 1e-6, "M_1");
    assertClose(c1.weights!, [-1, 2], 0, "class-1 weights");
    assertClose(c1.scores, [handLogits([1, 2, 3, 0])[1]], 1e-6, "score");
    assert.deepEqual(c1.shape, [1, 2, 2]);
  });

  await t.step("top1 picks the highest logit; min-max maps to [0, 1]; ReLU is an option", async () => {
    const top = await cam(model, image, { upsample: false });
    assert.deepEqual(top.record.classIndex, [0]); // logits 1.875 vs 0
    assertClose(top.maps, minMax([1.5, 2, 3, 1]), 1e-6);
    const relu = await cam(model, image, { classIndex: 1, relu: true, upsample: false });
    assertClose(relu.maps, [0.25, 0, 0, 1], 1e-6, "ReLU then min-max of [1, -2, -3, 4]");
    const max = await cam(model, image, { classIndex: 1, normalize: "max", upsample: false });
    assertClose(max.maps, [0.25, -0.5, -0.75, 1], 1e-6, "M / max|M|");
  });

  await t.step("GAP identity: mean of the raw CAM plus the bias is the class score", async () => {
    const m = seededModel(7, "gap");
    const images = seededImages(11, 3);
    const r = await cam(m, images, { topK: 3, normalize: "none", upsample: false });
    const bias = m.classifier().bias.dataSync();
    const [count, h, w] = r.shape;
    for (let i = 0; i < count; i++) {
      let mean = 0;
      for (let p = 0; p < h * w; p++) mean += r.maps[i * h * w + p] / (h * w);
      assertClose([mean + bias[r.record.classIndex[i]]], [r.scores[i]], 1e-5, `map ${i}`);
    }
    images.dispose();
    m.dispose();
  });

  await t.step(
    "classifier weights given directly: dense [K, C] and 1x1 conv [1, 1, K, C] agree",
    async () => {
      const dense = tf.tensor2d([1, -1, 0.5, 2], [2, 2]);
      const conv = tf.tensor4d([1, -1, 0.5, 2], [1, 1, 2, 2]);
      const a = await cam(model, image, { classIndex: 1, weights: dense });
      const b = await cam(model, image, { classIndex: 1, weights: conv });
      const c = await cam(model, image, { classIndex: 1 });
      assertClose(a.maps, c.maps, 0);
      assertClose(b.maps, c.maps, 0);
      assert.equal(b.record.extra.classifier, "given [1,1,2,2]");
      const swapped = tf.tensor2d([0, 1, 1, 0], [2, 2]);
      assertClose(
        (await cam(model, image, { classIndex: 0, weights: swapped, normalize: "none", upsample: false }))
          .maps,
        [1, 0, 0, 2],
      );
      tf.dispose([dense, conv, swapped]);
    },
  );

  await t.step("GMP head: the same weighted sum", async () => {
    const gmp = handModel("gmp");
    const r = await cam(gmp, image, { classIndex: 0, normalize: "none", upsample: false });
    assertClose(r.maps, [1.5, 2, 3, 1], 1e-6);
    assert.equal(r.record.pooling, "gmp");
    assertClose(r.scores, [handLogits([1, 2, 3, 0], "gmp")[0]], 1e-6);
    gmp.dispose();
  });

  await t.step("batches with a class per sample, and top-k per image", async () => {
    const images = tf.concat([handImage([1, 2, 3, 0]), handImage([0, 0, 1, 0])]) as tf.Tensor4D;
    const per = await cam(model, images, { classIndex: [1, 0], normalize: "none", upsample: false });
    assert.deepEqual(per.record.classIndex, [1, 0]);
    assertClose(per.maps.subarray(0, 4), [1, -2, -3, 4], 1e-6);
    assertClose(per.maps.subarray(4), [0 + 1, 0 + 1, 1 + 0.5, 0 + 1], 1e-6);
    const top2 = await cam(model, images, { topK: 2 });
    assert.deepEqual(top2.shape, [4, 2, 2]);
    assert.deepEqual(top2.record.imageIndex, [0, 0, 1, 1]);
    const l0 = handLogits([1, 2, 3, 0]), l1 = handLogits([0, 0, 1, 0]);
    assert.deepEqual(top2.record.classIndex, [
      l0[0] > l0[1] ? 0 : 1,
      l0[0] > l0[1] ? 1 : 0,
      l1[0] > l1[1] ? 0 : 1,
      l1[0] > l1[1] ? 1 : 0,
    ]);
    assertClose(top2.scores, [Math.max(...l0), Math.min(...l0), Math.max(...l1), Math.min(...l1)], 1e-6);
    assert.equal(top2.record.classSelection, "top2");
    images.dispose();
  });

  await t.step("upsamples bilinearly (half-pixel centres) to the input or a given size", async () => {
    const m = seededModel(3, "gap");
    const images = seededImages(5, 2);
    const r = await cam(m, images);
    assert.deepEqual(r.shape, [2, 8, 8]); // the 4x4 CAM layer, upsampled to the 8x8 input
    assert.deepEqual(r.record.mapSize, [4, 4]);
    assert.deepEqual(r.record.upsample, [8, 8]);
    assert.ok(r.maps.every((v) => v >= 0 && v <= 1));
    assert.deepEqual((await cam(m, images, { upsample: [16, 12] })).shape, [2, 16, 12]);
    // 2x2 → 4x4 with half-pixel centres: the corner keeps its value, the next pixel is 3/4·a + 1/4·b.
    const small = await cam(model, image, { classIndex: 0, normalize: "none", upsample: [4, 4] });
    assertClose(small.maps.subarray(0, 4), [1.5, 0.75 * 1.5 + 0.25 * 2, 0.25 * 1.5 + 0.75 * 2, 2], 1e-6);
    images.dispose();
    m.dispose();
  });

  await t.step("a flat map becomes zeros, never NaN", async () => {
    const flat = tinyModel({
      inputShape: [2, 2, 1],
      numClasses: 2,
      pooling: "gap",
      convs: [{ kernel: [0, 0], shape: [1, 1, 1, 2], bias: [1, 1] }],
      classifier: { weights: [1, 2, 3, 4] },
    });
    for (const normalize of ["minmax", "max"] as const) {
      const r = await cam(flat, image, { normalize, relu: true, classIndex: 0 });
      if (normalize === "minmax") assertClose(r.maps, new Array(4).fill(0), 0);
      assert.ok(r.maps.every(Number.isFinite));
    }
    const zero = tinyModel({
      inputShape: [2, 2, 1],
      numClasses: 1,
      pooling: "gap",
      convs: [{ kernel: [0], shape: [1, 1, 1, 1] }],
      classifier: { weights: [1] },
    });
    assertClose((await cam(zero, image, { normalize: "max" })).maps, [0, 0, 0, 0], 0);
    for (const normalize of ["minmax", "max"] as const) {
      assertClose(
        (await cam(zero, image, { normalize, eps: 0 })).maps,
        [0, 0, 0, 0],
        0,
        `${normalize}, eps 0`,
      );
    }
    flat.dispose();
    zero.dispose();
  });

  await t.step("the record says how the map was made, and is frozen", async () => {
    const r = await cam(model, image, { classIndex: 1, relu: true, eps: 1e-6 });
    assert.equal(r.record.method, "cam");
    assert.equal(r.record.layer, "conv1");
    assert.equal(r.record.model, "hand-gap");
    assert.equal(r.record.relu, true);
    assert.equal(r.record.normalize, "minmax");
    assert.equal(r.record.eps, 1e-6);
    assert.deepEqual(r.record.inputShape, [1, 2, 2, 1]);
    assert.equal(r.record.backend, "cpu");
    assert.equal(r.record.tfjs, tf.version_core);
    assert.equal(r.record.classSelection, "given");
    assert.ok(Object.isFrozen(r.record) && Object.isFrozen(r.record.classIndex) && Object.isFrozen(r));
    assert.throws(() => {
      (r.record as { method: string }).method = "x";
    }, TypeError);
  });

  await t.step("errors name the call and the problem", async () => {
    await assert.rejects(() => (cam(model, image, { classIndex: 2 })), {
      name: "CamError",
      message: "cam: classIndex 2 is out of range for 2 classes",
    });
    await assert.rejects(() => (cam(model, image, { classIndex: [0, 1] })), {
      name: "CamError",
      message: "cam: classIndex has 2 entries for a batch of 1",
    });
    await assert.rejects(() => (cam(model, image, { topK: 3 })), {
      name: "CamError",
      message: "cam: topK must be an integer in 1..2, got 3",
    });
    const bad = tf.tensor2d([1, 2, 3], [3, 1]);
    await assert.rejects(() => (cam(model, image, { weights: bad })), {
      name: "CamError",
      message: "cam: classifier weights are [3,1] but the CAM layer has 2 channels and the model 2 classes",
    });
    bad.dispose();
    await assert.rejects(() => (cam(model, image, { normalize: "zscore" as "max" })), {
      name: "CamError",
      message: 'cam: normalize must be "minmax", "max" or "none", got "zscore"',
    });
    await assert.rejects(() => (cam(model, image, { upsample: [0, 4] })), {
      name: "CamError",
      message: "cam: upsample must be [height, width] of positive integers, got [0,4]",
    });
  });

  image.dispose();
  model.dispose();
});
