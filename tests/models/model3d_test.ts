/**
 * The 3-D zoo (lib/models/*3d*.ts) on the cpu backend: shapes, errors, the forward pass against plain-array
 * oracles, the regression CAM identity mean_p M(p) = ŷ − b', and every CAM method explaining it in 3-D.
 */
import assert from "node:assert/strict";
import * as tf from "../../lib/tf.ts";
import { assertClose, useCpu } from "../_helpers.ts";
import {
  createModel,
  createModel3d,
  estimateStepMemory,
  inferShapes3d,
  layerVolumes,
  listModels3d,
  MEMORY_COEFFICIENTS,
  passSize,
  resolve3d,
} from "../../lib/models/mod.ts";
import { cam, gradCam, gradCamPlusPlus, saliency, scoreCam } from "../../lib/cam/mod.ts";

await useCpu();

function seededVolumes(shape: number[], seed = 1): tf.Tensor5D {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  let a = seed >>> 0;
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    values[i] = a / 4294967296;
  }
  return tf.tensor5d(values, shape as [number, number, number, number, number]);
}

Deno.test("3-D zoo: names, shapes and a CAM grid of 1/4 of the volume", async (t) => {
  assert.deepEqual(listModels3d(), ["small3d-gap", "small3d-gmp", "resnet3d-gap", "resnet3d-gmp"]);
  await t.step("small3d at 24³: conv3 is 6³x64, pools halve", () => {
    const { spec } = resolve3d("small3d-gap", { inputShape: [24, 24, 24, 1] });
    const shapes = inferShapes3d(spec, [24, 24, 24, 1]);
    assert.deepEqual(shapes.conv1, [24, 24, 24, 16]);
    assert.deepEqual(shapes.pool1, [12, 12, 12, 16]);
    assert.deepEqual(shapes.conv3, [6, 6, 6, 64]);
  });
  await t.step("resnet3d at 48³, width 1/2: blocks 16/32/64/128 x 1/2, grid 12³", () => {
    const model = createModel3d("resnet3d-gmp", { widthMultiplier: 0.5 });
    assert.deepEqual(model.camGrid, [12, 12, 12]);
    assert.equal(model.camLayer, "block4");
    assert.deepEqual(model.trainable["block4/conv2/kernel"].shape, [3, 3, 3, 64, 64]);
    assert.deepEqual(model.trainable["block2/shortcut/kernel"].shape, [1, 1, 1, 8, 16]);
    assert.equal(model.trainable["block1/shortcut/kernel"], undefined, "block1 keeps the identity");
    assert.deepEqual(model.layerNames.slice(0, 4), ["stem", "block1/conv1", "block1/conv2", "block1"]);
    assert.equal(model.layerNames.at(-1), "gmp");
    model.dispose();
  });
  await t.step("same seed, same weights; another seed, others", async () => {
    const a = createModel3d("small3d-gap", { inputShape: [8, 8, 8, 1], seed: 3 });
    const b = createModel3d("small3d-gap", { inputShape: [8, 8, 8, 1], seed: 3 });
    const c = createModel3d("small3d-gap", { inputShape: [8, 8, 8, 1], seed: 4 });
    const k = async (m: typeof a) => await m.trainable["conv2/kernel"].data();
    assert.deepEqual(await k(a), await k(b));
    assert.notDeepEqual(await k(a), await k(c));
    [a, b, c].forEach((m) => m.dispose());
  });
});

Deno.test("3-D zoo: bad options and inputs are ModelErrors naming the model", () => {
  assert.throws(() => createModel3d("vgg3d-gap"), {
    name: "ModelError",
    message: /vgg3d-gap: unknown 3-D model/,
  });
  assert.throws(() => createModel3d("small3d-gap", { inputShape: [24, 24, 22, 1] }), {
    name: "ModelError",
    message: /small3d-gap: input 24x24x22: every axis must be a multiple of the total stride 4/,
  });
  assert.throws(() => createModel3d("small3d-gap", { inputShape: [24, 24, 1] as never }), {
    message: /inputShape must be \[depth, height, width, channels\]/,
  });
  assert.throws(() => createModel3d("small3d-gap", { head: "rank" as never }), { message: /head must be/ });
  assert.throws(() => createModel3d("small3d-gap", { targetScale: 0 }), { message: /targetScale must be/ });
  assert.throws(() => createModel3d("small3d-gap", { dropout: 0.5 } as never), {
    message: /unknown option "dropout"/,
  });
  const model = createModel3d("small3d-gap", { inputShape: [8, 8, 8, 1] });
  assert.throws(() => model.apply(tf.zeros([1, 8, 8, 1])), {
    name: "ModelError",
    message: /small3d-gap: expected volumes \[batch, depth, height, width, 1\], got \[1, 8, 8, 1\]/,
  });
  assert.throws(() => model.apply(tf.zeros([1, 8, 8, 8, 1]), { capture: ["conv9"] }), {
    message: /no layer named "conv9"/,
  });
  model.dispose();
  assert.throws(() => model.apply(tf.zeros([1, 8, 8, 8, 1])), { message: /disposed/ });
});

Deno.test("3-D forward: logits = pool(features)·W + b, computed on plain arrays", async (t) => {
  for (const name of ["small3d-gap", "small3d-gmp", "resnet3d-gap"]) {
    await t.step(name, async () => {
      const model = createModel3d(name, {
        inputShape: [8, 8, 8, 1],
        numClasses: 3,
        widthMultiplier: 0.25,
        seed: 2,
      });
      const x = seededVolumes([2, 8, 8, 8, 1]);
      const { logits, features } = model.apply(x);
      const f = await features.data(), y = await logits.data();
      const w = await model.trainable["head/kernel"].data(), b = await model.trainable["head/bias"].data();
      const [n, d, h, wd, k] = features.shape;
      const cells = d * h * wd;
      const expected = new Float32Array(n * 3);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < 3; c++) {
          let s = b[c];
          for (let j = 0; j < k; j++) {
            let pooled = name.endsWith("gap") ? 0 : -Infinity;
            for (let p = 0; p < cells; p++) {
              const v = f[(i * cells + p) * k + j];
              pooled = name.endsWith("gap") ? pooled + v / cells : Math.max(pooled, v);
            }
            s += pooled * w[j * 3 + c];
          }
          expected[i * 3 + c] = s;
        }
      }
      assertClose(y, expected, 1e-5, "logits");
      tf.dispose([x, logits, features]);
      model.dispose();
    });
  }
});

Deno.test("regression CAM: the map's spatial mean is the prediction minus the bias (closed form)", async (t) => {
  for (const name of ["small3d-gap", "resnet3d-gap"]) {
    await t.step(name, async () => {
      // ŷ = s·(mean_p A(p)·W + b) + m = mean_p Σ_k (s·W_k) f_k(p) + (s·b + m) = mean_p M(p) + b'.
      const model = createModel3d(name, {
        inputShape: [8, 8, 12, 1],
        head: "regress",
        targetMean: 40,
        targetScale: 20,
        widthMultiplier: 0.25,
        seed: 5,
      });
      // A non-zero raw bias, so the identity is tested with it.
      model.trainable["head/bias"].assign(tf.tensor1d([0.3]));
      const x = seededVolumes([3, 8, 8, 12, 1], 7);
      const { logits } = model.apply(x);
      const prediction = await logits.data();
      assert.deepEqual(logits.shape, [3, 1]);
      const res = await cam(model, x, { classIndex: 0, normalize: "none", upsample: false });
      assert.deepEqual(res.shape, [3, 2, 2, 3]);
      const bias = 20 * 0.3 + 40;
      const cells = 2 * 2 * 3;
      for (let i = 0; i < 3; i++) {
        const mean = res.maps.subarray(i * cells, (i + 1) * cells).reduce((a, v) => a + v, 0) / cells;
        assert.ok(
          Math.abs(mean - (prediction[i] - bias)) < 1e-4,
          `image ${i}: ${mean} vs ${prediction[i] - bias}`,
        );
      }
      const head = tf.tidy(() => model.classifier().bias.dataSync()[0]);
      assert.ok(Math.abs(head - bias) < 1e-5, `classifier bias ${head}`);
      tf.dispose([x, logits]);
      model.dispose();
    });
  }
});

Deno.test("every CAM method explains a 3-D model with [n, D, H, W] maps", async () => {
  const model = createModel3d("small3d-gap", { inputShape: [8, 8, 8, 1], widthMultiplier: 0.25, seed: 1 });
  const x = seededVolumes([2, 8, 8, 8, 1], 3);
  const camMaps = await cam(model, x, { classIndex: 1 });
  const grad = await gradCam(model, x, { classIndex: 1, relu: false });
  // GAP → dense: Grad-CAM at the CAM layer is CAM / Z, equal after min-max (lib/cam's oracle).
  assertClose(grad.maps, camMaps.maps, 1e-4, "grad-cam vs cam");
  for (const method of [gradCamPlusPlus, scoreCam, saliency]) {
    const res = await method(model, x, { classIndex: 1 });
    assert.deepEqual(res.shape, [2, 8, 8, 8]);
    assert.ok(res.maps.every((v) => v >= 0 && v <= 1 + 1e-6));
  }
  assert.deepEqual(camMaps.record.mapSize, [2, 2, 2]);
  x.dispose();
  model.dispose();
});

Deno.test("the 2-D registry points a 3-D name to createModel3d", () => {
  assert.throws(() => createModel("small3d-gap"), {
    name: "ModelError",
    message: /small3d-gap: a 3-D model: build it with createModel3d/,
  });
});

Deno.test("memory estimates of a 3-D model come from probing its layers (what CAM's chunking asks)", () => {
  const model = createModel3d("small3d-gap", { inputShape: [8, 8, 8, 1], widthMultiplier: 0.25 });
  const one = estimateStepMemory(model, { batchSize: 1, training: false });
  const four = estimateStepMemory(model, { batchSize: 4, training: false });
  assert.ok(one.bytes > 4 * 8 ** 3 && Number.isFinite(one.bytes), `bytes ${one.bytes}`);
  assert.ok(Math.abs(four.bytes - one.bytes - 3 * one.perSample) < 1e-6);
  // 3-D models keep the coefficients fitted before the 2-D zoo fused its convs (not measured again).
  const v = layerVolumes(model), c = MEMORY_COEFFICIENTS.unfused.inference;
  assert.equal(v.source, "3d");
  const a = c.input * v.input + c.conv * v.conv + c.convBn * v.convBn + c.lrn * v.lrn +
    c.maxPoolIn * v.maxPoolIn + c.avgPoolIn * v.avgPoolIn + c.concat * v.concat + c.cam * v.cam;
  assert.equal(one.perSample, 4 * a);
  assert.equal(passSize(model, { limitBytes: 1e9, max: 3, training: false, where: "test" }), 3);
  model.dispose();
});
