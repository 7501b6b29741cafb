import * as tf from "../../lib/tf.ts";
import assert from "node:assert/strict";
import { cam, gradCam } from "../../lib/cam/mod.ts";
import { assertClose, handImage, handModel } from "./_helpers.ts";
import { seededImages, seededModel, tinyModel } from "./_tiny_models.ts";

Deno.test("gradCam", async (t) => {
  await t.step(
    "GAP → dense at the CAM layer: α = w^c / Z, so Grad-CAM equals CAM after min-max",
    async () => {
      const model = seededModel(21, "gap");
      const images = seededImages(4, 4);
      const options = { topK: 3, relu: false } as const;
      const g = await gradCam(model, images, options);
      const c = await cam(model, images, options);
      assert.deepEqual(g.record.classIndex, c.record.classIndex);
      assertClose(g.maps, c.maps, 1e-4, "min-max Grad-CAM vs CAM");
      const z = 4 * 4;
      assertClose(g.weights!, Array.from(c.weights!, (w) => w / z), 1e-6, "α vs w/Z");
      // with the same ReLU the equality holds too
      assertClose(
        (await gradCam(model, images)).maps,
        (await cam(model, images, { relu: true })).maps,
        1e-4,
        "with ReLU",
      );
      images.dispose();
      model.dispose();
    },
  );

  await t.step(
    "GMP: α_k = n_k w_k^c / Z, n_k = positions tied at channel k's max; generic maps equal CAM",
    async () => {
      const model = seededModel(33, "gmp");
      const images = seededImages(8, 3);
      const g = await gradCam(model, images, { relu: false, classIndex: [0, 1, 2] });
      const c = await cam(model, images, { relu: false, classIndex: [0, 1, 2] });
      assertClose(g.maps, c.maps, 1e-4, "min-max Grad-CAM vs CAM (GMP)");
      // weights by hand from the feature maps: count positions at the max of each channel
      const features = tf.tidy(() => model.apply(images).features);
      const f = features.arraySync();
      const [n, h, w, k] = features.shape;
      const expected: number[] = [];
      for (let i = 0; i < n; i++) {
        for (let ch = 0; ch < k; ch++) {
          let max = -Infinity, ties = 0;
          for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) max = Math.max(max, f[i][y][x][ch]);
          for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (f[i][y][x][ch] === max) ties++;
          expected.push(ties * c.weights![i * k + ch] / (h * w));
        }
      }
      assertClose(g.weights!, expected, 1e-6, "α_k = n_k w_k / Z");
      features.dispose();
      images.dispose();
      model.dispose();
    },
  );

  await t.step(
    "GMP with a tie: the tied channel is re-weighted by n_k (TensorFlow.js splits max gradients)",
    async () => {
      const model = handModel("gmp");
      const image = handImage([2, 2, 1, 0]); // f1 = [2, 2, 1, 0]: max 2 twice; f2 = [0, 0, 1, 2]: max once
      const g = await gradCam(model, image, {
        classIndex: 1,
        relu: false,
        normalize: "none",
        upsample: false,
      });
      assertClose(g.weights!, [(2 * -1) / 4, (1 * 2) / 4], 1e-7, "α = [2·(−1)/4, 1·2/4]");
      const expected = [0, 1, 2, 3].map((p) =>
        g.weights![0] * [2, 2, 1, 0][p] + g.weights![1] * [0, 0, 1, 2][p]
      );
      assertClose(g.maps, expected, 1e-6);
      image.dispose();
      model.dispose();
    },
  );

  await t.step("any conv layer by name, at its own resolution", async () => {
    const model = seededModel(5, "gap");
    const images = seededImages(6, 2);
    for (const [layer, size] of [["conv1", 8], ["pool1", 4], ["conv2", 4]] as const) {
      const r = await gradCam(model, images, { layer, upsample: false });
      assert.equal(r.record.layer, layer);
      assert.deepEqual(r.shape, [2, size, size]);
      assert.ok(r.maps.every((v) => v >= 0 && v <= 1), layer);
      assert.equal(r.weights!.length, 2 * (layer === "conv2" ? 6 : 4));
    }
    images.dispose();
    model.dispose();
  });

  await t.step(
    "at an earlier layer the gradients are the true ones (finite differences through the net)",
    async () => {
      const model = tinyModel({
        inputShape: [3, 3, 1],
        numClasses: 2,
        pooling: "gap",
        convs: [
          { kernel: [0.5, -1], shape: [1, 1, 1, 2], bias: [0.1, 2] },
          { kernel: [1, -0.5, 0.25, 1, 0.5, -1], shape: [1, 1, 2, 3], bias: [0.3, 0.2, 0.1] },
        ],
        classifier: { weights: [1, -1, 0.5, 0.2, -0.3, 0.7] },
      });
      const x = [0.1, 0.9, 0.4, 0.7, 0.2, 0.8, 0.3, 0.6, 0.5];
      const image = tf.tensor4d(x, [1, 3, 3, 1]);
      const r = await gradCam(model, image, {
        layer: "conv1",
        classIndex: 1,
        normalize: "none",
        upsample: false,
        relu: false,
      });
      // α_k = mean_ij ∂y/∂A_k^{ij}, by central differences on a perturbation of one position at a time
      const eps = 1e-2;
      const alpha = [0, 0];
      for (let k = 0; k < 2; k++) {
        for (let p = 0; p < 9; p++) {
          const delta = new Array(18).fill(0);
          delta[p * 2 + k] = eps;
          const score = (sign: number) =>
            tf.tidy(() => {
              const perturbation = tf.mul(tf.tensor4d(delta, [1, 3, 3, 2]), sign);
              return model.apply(image, { perturb: { conv1: perturbation } }).logits.dataSync()[1];
            });
          alpha[k] += (score(1) - score(-1)) / (2 * eps) / 9;
        }
      }
      assertClose(r.weights!, alpha, 1e-3, "α by finite differences");
      image.dispose();
      model.dispose();
    },
  );

  await t.step("top-k equals asking for each rank's class explicitly", async () => {
    const model = seededModel(9, "gap");
    const images = seededImages(10, 2);
    const top = await gradCam(model, images, { topK: 2, layer: "conv1" });
    const cls = top.record.classIndex;
    const second = await gradCam(model, images, { classIndex: [cls[1], cls[3]], layer: "conv1" });
    const size = 8 * 8;
    assertClose(top.maps.subarray(size, 2 * size), second.maps.subarray(0, size), 1e-6);
    assertClose(top.maps.subarray(3 * size), second.maps.subarray(size), 1e-6);
    images.dispose();
    model.dispose();
  });

  await t.step("an unknown layer is named with the model and the layers that exist", async () => {
    const model = handModel();
    const image = handImage();
    await assert.rejects(() => (gradCam(model, image, { layer: "conv9" })), {
      name: "CamError",
      message: 'gradCam: unknown layer "conv9" in hand-gap (layers: conv1)',
    });
    image.dispose();
    model.dispose();
  });
});
